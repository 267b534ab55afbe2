-- agg.retentionMatrix on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `events_2` as (
    select
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
  ),
  `periods` as (
    select
      `user_id`,
      timestamp_trunc(`moment`, isoweek, 'UTC') as `period_start`
    from
      `events_2` as `events`
    where
      `user_id` is not null
    group by
      timestamp_trunc(`moment`, isoweek, 'UTC'),
      `user_id`
  ),
  `periods_2` as (
    select
      `period_start`,
      min(`period_start`) over (
        partition by
          `user_id`
      ) as `cohort_start`
    from
      `periods`
  ),
  `users` as (
    select
      `cohort_start`,
      date_diff(
        date(`period_start`, 'UTC'),
        date(`cohort_start`, 'UTC'),
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
