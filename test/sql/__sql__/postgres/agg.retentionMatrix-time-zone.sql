-- agg.retentionMatrix, time zone on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "events" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "periods" as (
    select
      "user_id",
      date_trunc(
        E'week',
        (
          timestamp 'epoch' + (
            (
              (
                (
                  (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
                ) at time zone E'Europe/Amsterdam'
              )
            ) - 'epoch'
          )
        )
      ) as "period_start"
    from
      "events"
    where
      "user_id" is not null
    group by
      date_trunc(
        E'week',
        (
          timestamp 'epoch' + (
            (
              (
                (
                  (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
                ) at time zone E'Europe/Amsterdam'
              )
            ) - 'epoch'
          )
        )
      ),
      "user_id"
  ),
  "periods_2" as (
    select
      "period_start",
      min("period_start") over (
        partition by
          "user_id"
      ) as "cohort_start"
    from
      "periods"
  ),
  "users" as (
    select
      "cohort_start",
      (
        (("period_start")::date - ("cohort_start")::date) / 7
      ) as "period"
    from
      "periods_2" as "periods"
  ),
  "result" as (
    select
      to_char(
        (timestamp 'epoch' + (("cohort_start") - 'epoch')),
        E'YYYY"-"MM"-"DD'
      ) as "first_cohort",
      "period",
      count(*) as "value"
    from
      "users"
    group by
      "cohort_start",
      "period"
  )
select
  "first_cohort",
  ("period")::float8 as "period",
  ("value")::float8 as "value"
from
  "result"
