-- agg.retentionMatrix, elapsed on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "2022-03-20"
with
  `events_2` as (
    select
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
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
      format_timestamp('%Y-%m-%d', `first_moment`, 'UTC') as `first_cohort`,
      floor(
        (
          timestamp_diff(`moment`, `first_moment`, microsecond) / 1000000
        ) / 86400
      ) as `period`
    from
      `events_3` as `events`
    where
      format_timestamp('%Y-%m-%d', `moment`, 'UTC') <= @p0
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
  ),
  `counts` as (
    select
      `first_cohort`,
      `period`,
      count(*) as `value`
    from
      `users`
    group by
      `first_cohort`,
      `period`
  )
select
  `first_cohort`,
  `period`,
  `value` * 100.0 / max(
    case
      when `period` = 0 then `value`
    end
  ) over (
    partition by
      `first_cohort`
  ) as `value`
from
  `counts`
