-- agg.retentionMatrix, time zone on bigquery: hub.toSql(query), placeholders kept
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
      `moment`,
      cast(`user_id` as string) as `user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `user_id`,
      `moment`,
      min(`moment`) over (
        partition by
          `user_id`
      ) as `first_moment`
    from
      `events_2` as `events`
    where
      `user_id` is not null
  ),
  `events_4` as (
    select
      `user_id`,
      format_timestamp(
        '%Y-%m-%d',
        timestamp_trunc(
          timestamp(datetime(`first_moment`, 'Europe/Amsterdam')),
          isoweek,
          'UTC'
        ),
        'UTC'
      ) as `first_cohort`,
      date_diff(
        date(
          timestamp(datetime(`moment`, 'Europe/Amsterdam')),
          'UTC'
        ),
        date(
          timestamp(datetime(`first_moment`, 'Europe/Amsterdam')),
          'UTC'
        ),
        isoweek
      ) as `period`
    from
      `events_3` as `events`
  ),
  `users` as (
    select
      `first_cohort`,
      `period`,
      `user_id`
    from
      `events_4` as `events`
    group by
      `first_cohort`,
      `period`,
      `user_id`
  )
select
  `first_cohort`,
  `period`,
  count(*) as `value`
from
  `users`
group by
  `first_cohort`,
  `period`
