-- agg.retentionMatrix, recurring elapsed on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
with
  "events" as (
    with
      "retention_events" as (
        with
          "raw" as (
            select
              *,
              ("value")::jsonb as "v"
            from
              "data"
            offset
              null
          ),
          "extracted" as (
            select
              "moment",
              "cookie_id" as "user_id",
              ("v" ->> E'_type') as "event_type"
            from
              "raw"
            offset
              null
          )
        select
          "user_id",
          "moment",
          date_trunc(
            E'day',
            (timestamp 'epoch' + (("moment") - 'epoch'))
          ) as "period_start"
        from
          "extracted"
        where
          "user_id" is not null
          and "event_type" = $1
      ),
      "retention_user_periods" as (
        select
          "user_id",
          "period_start",
          min("moment") as "anchor"
        from
          "retention_events"
        group by
          "user_id",
          "period_start"
      )
    select
      "cohorts"."user_id",
      to_char(
        (
          timestamp 'epoch' + (("cohorts"."anchor") - 'epoch')
        ),
        E'YYYY"-"MM"-"DD'
      ) as "first_cohort",
      floor(
        extract(
          epoch
          from
            ("activity"."moment") - ("cohorts"."anchor")
        )::float8 / 86400
      ) as "period"
    from
      "retention_user_periods" as "cohorts"
      inner join "retention_events" as "activity" on "activity"."user_id" = "cohorts"."user_id"
      and "activity"."moment" >= "cohorts"."anchor"
    where
      "cohorts"."anchor" is not null
  ),
  "users" as (
    select
      "first_cohort",
      "period",
      "user_id"
    from
      "events"
    group by
      "first_cohort",
      "period",
      "user_id"
  ),
  "result" as (
    select
      "first_cohort",
      "period",
      count(*) as "value"
    from
      "users"
    group by
      "first_cohort",
      "period"
  )
select
  "first_cohort",
  ("period")::float8 as "period",
  ("value")::float8 as "value"
from
  "result"
