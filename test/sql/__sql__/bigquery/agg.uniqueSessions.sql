-- agg.uniqueSessions on bigquery: hub.toSql(query), placeholders kept
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
  `starts` as (
    select
      `extracted`.*,
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
      `extracted`
  ),
  `sessions` as (
    select
      `event_type`,
      `application`,
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
      `event_type`,
      `application`,
      `user_id` as `__session_user`,
      `__user_session`
    from
      `sessions`
  ),
  `pairs` as (
    select
      (any_value(`application`)) as `application`,
      (any_value(`event_type`)) as `event_type`,
      `__session_user`,
      `__user_session`
    from
      `events_2` as `events`
    group by
      (`application`) is null,
      to_json_string(`application`),
      (`event_type`) is null,
      to_json_string(`event_type`),
      `__session_user`,
      `__user_session`
  )
select
  (any_value(`application`)) as `application`,
  (any_value(`event_type`)) as `event_type`,
  count(*) as `unique_sessions`
from
  `pairs`
group by
  (`application`) is null,
  to_json_string(`application`),
  (`event_type`) is null,
  to_json_string(`event_type`)
