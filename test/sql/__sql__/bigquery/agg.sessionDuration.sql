-- agg.sessionDuration on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `extracted` as (
    select
      `event_id`,
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
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
      `moment`,
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
      `user_id` as `__session_user`,
      `__user_session`
    from
      `sessions`
  ),
  `sessions_2` as (
    select
      `__session_user`,
      `__user_session`,
      (min(`moment`)) as `moment`,
      (
        timestamp_diff(max(`moment`), min(`moment`), microsecond) / 1000000
      ) as `__session_duration`
    from
      `events_2` as `events`
    group by
      `__session_user`,
      `__user_session`
  ),
  `events_3` as (
    select
      `sessions`.*
    from
      `sessions_2` as `sessions`
    where
      `__session_duration` > 0
  )
select
  (
    any_value(format_timestamp('%Y-%m-%d', `moment`, 'UTC'))
  ) as `time_aggregation`,
  (avg(`__session_duration`)) as `session_duration`
from
  `events_3` as `events`
group by
  (format_timestamp('%Y-%m-%d', `moment`, 'UTC')) is null,
  to_json_string(format_timestamp('%Y-%m-%d', `moment`, 'UTC'))
