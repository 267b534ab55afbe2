-- agg.sessionDuration, sum on bigquery: hub.toSql(query), placeholders kept
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
  `events_3` as (
    select
      `__session_user`,
      `__user_session`,
      (
        timestamp_diff(max(`moment`), min(`moment`), microsecond) / 1000000
      ) as `__session_duration`
    from
      `events_2` as `events`
    group by
      `__session_user`,
      `__user_session`
  ),
  `result` as (
    select
      (sum(`__session_duration`)) as `session_duration`
    from
      `events_3` as `events`
  )
select
  `session_duration`
from
  `result`
where
  `session_duration` is not null
