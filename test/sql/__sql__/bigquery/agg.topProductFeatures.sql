-- agg.topProductFeatures on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
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
  `features` as (
    select
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
      ) as `application`,
      (`location_stack`) as `__stack_part`,
      `event_type`,
      `user_id`
    from
      `extracted`
    where
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
      end as `user_id_nunique`
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
  `user_id_nunique` desc,
  (`application`),
  (`feature_nice_name`),
  (`event_type`)
