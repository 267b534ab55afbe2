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
  `sessions` as (
    select
      `user_id`,
      `user_id` as `__session_user`,
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
      cast(`user_id` as string) as `user_id`,
      `__session_user`,
      `__user_session`
    from
      `sessions`
  ),
  `users` as (
    select
      count(distinct `__user_session`) as `session_id_nunique`
    from
      `events_2` as `events`
    where
      `user_id` is not null
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
