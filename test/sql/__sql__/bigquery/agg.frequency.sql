-- agg.frequency on bigquery: hub.toSql(query), placeholders kept
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
  `events_2` as (
    select
      `user_id` as `__session_user`,
      `is_start` as `__session_start`,
      `user_id` as `__stored_user_id`
    from
      `starts`
  ),
  `users` as (
    select
      sum(
        case
          when `__session_start` then 1
          else 0
        end
      ) as `session_id_nunique`
    from
      `events_2` as `events`
    where
      `__stored_user_id` is not null
    group by
      `__session_user`
  )
select
  `session_id_nunique`,
  count(*) as `user_id_nunique`
from
  `users`
group by
  `session_id_nunique`
