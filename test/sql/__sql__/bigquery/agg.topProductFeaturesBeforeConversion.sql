-- agg.topProductFeaturesBeforeConversion on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "PressEvent"
with
  `raw` as (
    select
      *,
      (
        select
          if(
            json_type (j) = 'string',
            parse_json (json_value(j), wide_number_mode => 'round'),
            j
          )
        from
          unnest (
            [
              parse_json (
                to_json_string(`value`),
                wide_number_mode => 'round'
              )
            ]
          ) as j
      ) as `v`
    from
      `events` as `data`
  ),
  `extracted` as (
    select
      `event_id`,
      `moment`,
      `cookie_id` as `user_id`,
      (
        select
          if(
            json_type (x) = 'string',
            json_value(x),
            nullif(to_json_string(x), 'null')
          )
        from
          unnest ([`v` ['_type']]) as x
      ) as `event_type`,
      coalesce(`v` ['_types'], json '[]') as `stack_event_types`,
      `v` ['location_stack'] as `location_stack`,
      to_json (
        array(
          select
            e
          from
            unnest (json_query_array(`v` ['global_contexts'])) as e
          with
          offset
            as i
          where
            coalesce(
              (
                json_type (`e` ['_type']) = 'string'
                and json_value(`e` ['_type']) = 'ApplicationContext'
              ),
              false
            )
          order by
            i
        )
      ) as `application`
    from
      `raw`
  ),
  `flagged` as (
    select
      `extracted`.*,
      coalesce(`event_type` = @p0, false) as `__conversion_1`,
      exists (
        select
          1
        from
          unnest (json_query_array(`stack_event_types`)) as e
        with
        offset
          as i
        where
          (
            json_type (`e`) = 'string'
            and json_value(`e`) = 'InteractiveEvent'
          )
      ) as `__event_feature_type`,
      (
        select
          if(
            json_type (x) = 'string',
            json_value(x),
            nullif(to_json_string(x), 'null')
          )
        from
          unnest (
            [
              json_query_array(`application`) [safe_offset(0)] ['id']
            ]
          ) as x
      ) as `__event_application_id`
    from
      `extracted`
  ),
  `starts` as (
    select
      `flagged`.*,
      case
        when timestamp_diff(
          `moment`,
          lag(`moment`) over (
            partition by
              `user_id`
            order by
              `moment`,
              `event_id`
          ),
          microsecond
        ) <= 1800000000 then false
        else true
      end as `is_start`
    from
      `flagged`
  ),
  `sessions` as (
    select
      `moment`,
      `event_type`,
      `location_stack`,
      `__conversion_1`,
      `__event_feature_type`,
      `__event_application_id`,
      `user_id`,
      sum(
        case
          when `is_start` then 1
          else 0
        end
      ) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id` rows between unbounded preceding
          and current row
      ) as `__user_session`
    from
      `starts`
  ),
  `events_2` as (
    select
      `moment`,
      `event_type`,
      `location_stack`,
      `user_id`,
      `user_id` as `__session_user`,
      `__user_session`,
      `__conversion_1`,
      `__event_feature_type`,
      `__event_application_id`
    from
      `sessions`
  ),
  `events_3` as (
    select
      `events`.*,
      sum(
        case
          when `__conversion_1` then 1
          else 0
        end
      ) over (
        partition by
          `__session_user`,
          `__user_session`
      ) as `__converted`,
      min(
        case
          when `__conversion_1` then `moment`
        end
      ) over (
        partition by
          `__session_user`,
          `__user_session`
      ) as `__first_conversion`
    from
      `events_2` as `events`
  ),
  `features` as (
    select
      `__event_application_id` as `application`,
      (`location_stack`) as `__stack_part`,
      `event_type`,
      `user_id`
    from
      `events_3` as `events`
    where
      (
        (
          `__converted` > 0
          and coalesce(
            `moment` < `__first_conversion`,
            `moment` is not null
          )
        )
        and `__event_feature_type`
      )
  ),
  `pairs` as (
    select
      `application`,
      `event_type`,
      `user_id`,
      to_json_string(`__stack_part`) as `__stack_part`
    from
      `features`
    group by
      `application`,
      `event_type`,
      `user_id`,
      to_json_string(`__stack_part`)
  ),
  `parts` as (
    select
      `application`,
      `event_type`,
      `__stack_part`,
      count(`user_id`) as `users_n`,
      array_agg(`user_id` ignore nulls) as `users`
    from
      `pairs`
    group by
      `application`,
      `event_type`,
      `__stack_part`
  ),
  `named` as (
    select
      `application`,
      `event_type`,
      `users_n`,
      `users`,
      (
        select
          concat(
            max(if(s.i = s.n - 1, s.label, null)),
            coalesce(
              concat(
                ' located at ',
                string_agg(
                  if(s.i < s.n - 1, s.label, null),
                  ' => '
                  order by
                    s.i
                )
              ),
              ''
            )
          )
        from
          (
            select
              i,
              count(*) over () as n,
              concat(
                regexp_replace(
                  regexp_replace(
                    coalesce(json_value(`e` ['_type']), ''),
                    r'([a-z])([A-Z])',
                    r'\1 \2'
                  ),
                  r' Context$',
                  ''
                ),
                coalesce(concat(': ', json_value(`e` ['id'])), '')
              ) as label
            from
              unnest (
                json_query_array(
                  (
                    select
                      if(
                        json_type (j) = 'string',
                        parse_json (json_value(j), wide_number_mode => 'round'),
                        j
                      )
                    from
                      unnest (
                        [
                          parse_json (
                            to_json_string(`__stack_part`),
                            wide_number_mode => 'round'
                          )
                        ]
                      ) as j
                  )
                )
              ) as e
            with
            offset
              as i
          ) as s
      ) as `feature_nice_name`
    from
      `parts`
  ),
  `named_2` as (
    select
      `named`.*,
      count(*) over (
        partition by
          `application`,
          `feature_nice_name`,
          `event_type`
      ) as `sharing`
    from
      `named`
  ),
  `result` as (
    select
      `named`.`application`,
      `named`.`feature_nice_name`,
      `named`.`event_type`,
      case
        when max(`named`.`sharing`) = 1 then max(`named`.`users_n`)
        else count(distinct `user_id`)
      end as `unique_users`
    from
      `named_2` as `named`
      left join unnest (
        case
          when `named`.`sharing` > 1 then `named`.`users`
        end
      ) as `user_id` on true
    group by
      `named`.`application`,
      `named`.`feature_nice_name`,
      `named`.`event_type`
  )
select
  `result`.*
from
  `result`
where
  (
    `application` is not null
    and `feature_nice_name` is not null
    and `event_type` is not null
  )
order by
  `unique_users` desc,
  (`application`),
  (`feature_nice_name`),
  (`event_type`)
