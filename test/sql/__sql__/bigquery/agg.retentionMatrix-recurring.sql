-- agg.retentionMatrix, recurring on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "ApplicationLoadedEvent"
--   @p1 = "PressEvent"
--   @p2 = "ApplicationLoadedEvent"
--   @p3 = "PressEvent"
--   @p4 = "2022-03-02"
--   @p5 = 1
with
  `users` as (
    with
      `retention_user_periods` as (
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
          ),
          `events_2` as (
            select
              `user_id`,
              `moment`,
              `event_type` = @p0 as `is_start`,
              `event_type` = @p1 as `is_return`,
              timestamp_trunc(`moment`, isoweek, 'UTC') as `period_start`
            from
              `extracted`
            where
              `user_id` is not null
              and `event_type` in (@p2, @p3)
          )
        select
          `user_id`,
          `period_start`,
          min(
            case
              when (
                `is_start`
                and format_timestamp('%Y-%m-%d', `moment`, 'UTC') >= @p4
              ) then `moment`
            end
          ) as `anchor`,
          max(
            case
              when `is_return` then 1
              else 0
            end
          ) as `returned`
        from
          `events_2` as `events`
        group by
          `user_id`,
          `period_start`
      )
    select
      `cohorts`.`period_start` as `cohort_start`,
      date_diff(
        date(`activity`.`period_start`, 'UTC'),
        date(`cohorts`.`period_start`, 'UTC'),
        isoweek
      ) as `period`
    from
      `retention_user_periods` as `cohorts`
      inner join `retention_user_periods` as `activity` on `activity`.`user_id` = `cohorts`.`user_id`
      and `activity`.`period_start` >= `cohorts`.`period_start`
      and (
        `activity`.`period_start` = `cohorts`.`period_start`
        or `activity`.`returned` = @p5
      )
    where
      `cohorts`.`anchor` is not null
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
