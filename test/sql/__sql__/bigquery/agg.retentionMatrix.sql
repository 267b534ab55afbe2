-- agg.retentionMatrix on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `extracted` as (
    select
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
  ),
  `events_2` as (
    select
      `moment` as `__stored_moment`,
      `user_id` as `__stored_user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `__stored_moment` as `moment`,
      `__stored_user_id` as `user_id`
    from
      `events_2` as `events`
  ),
  `periods` as (
    select
      `user_id`,
      timestamp_trunc(`moment`, isoweek, 'UTC') as `period_start`,
      min(`moment`) as `first_in_period`
    from
      `events_3` as `events`
    where
      `user_id` is not null
    group by
      `user_id`,
      timestamp_trunc(`moment`, isoweek, 'UTC')
  ),
  `periods_2` as (
    select
      `period_start`,
      min(`first_in_period`) over (
        partition by
          `user_id`
      ) as `first_moment`
    from
      `periods`
  ),
  `users` as (
    select
      timestamp_trunc(`first_moment`, isoweek, 'UTC') as `cohort_start`,
      date_diff(
        date(`period_start`, 'UTC'),
        date(
          timestamp_trunc(`first_moment`, isoweek, 'UTC'),
          'UTC'
        ),
        isoweek
      ) as `period`
    from
      `periods_2` as `periods`
  )
select
  format_timestamp('%Y-%m-%d', `cohort_start`, 'UTC') as `first_cohort`,
  `period`,
  count(*) as `value`
from
  `users`
group by
  `cohort_start`,
  `period`
