-- agg.retentionMatrix, recurring elapsed on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "PressEvent"
with
  `events_2` as (
    with
      `retention_events` as (
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
              `day`,
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
              ) as `event_type`
            from
              `raw`
          )
        select
          `user_id`,
          `moment`,
          timestamp_trunc(`moment`, day, 'UTC') as `period_start`
        from
          `extracted`
        where
          `user_id` is not null
          and `event_type` = @p0
      ),
      `retention_user_periods` as (
        select
          `user_id`,
          `period_start`,
          min(`moment`) as `anchor`
        from
          `retention_events`
        group by
          `user_id`,
          `period_start`
      )
    select
      `cohorts`.`user_id`,
      format_timestamp('%Y-%m-%d', `cohorts`.`anchor`, 'UTC') as `first_cohort`,
      floor(
        (
          timestamp_diff(
            `activity`.`moment`,
            `cohorts`.`anchor`,
            microsecond
          ) / 1000000
        ) / 86400
      ) as `period`
    from
      `retention_user_periods` as `cohorts`
      inner join `retention_events` as `activity` on `activity`.`user_id` = `cohorts`.`user_id`
      and `activity`.`moment` >= `cohorts`.`anchor`
    where
      `cohorts`.`anchor` is not null
  ),
  `users` as (
    select
      `first_cohort`,
      `period`,
      `user_id`
    from
      `events_2` as `events`
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
