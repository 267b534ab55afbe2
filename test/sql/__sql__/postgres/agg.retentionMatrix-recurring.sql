-- agg.retentionMatrix, recurring on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "ApplicationLoadedEvent"
--   $2 = "PressEvent"
--   $3 = "ApplicationLoadedEvent"
--   $4 = "PressEvent"
--   $5 = "2022-03-02"
--   $6 = 1
with
  "users" as (
    with
      "retention_user_periods" as (
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
          ),
          "events" as (
            select
              "user_id",
              "moment",
              "event_type" = $1 as "is_start",
              "event_type" = $2 as "is_return",
              date_trunc(
                E'week',
                (timestamp 'epoch' + (("moment") - 'epoch'))
              ) as "period_start"
            from
              "extracted"
            where
              "user_id" is not null
              and "event_type" in ($3, $4)
          )
        select
          "user_id",
          "period_start",
          min(
            case
              when (
                "is_start"
                and to_char(
                  (timestamp 'epoch' + (("moment") - 'epoch')),
                  E'YYYY"-"MM"-"DD'
                ) >= $5
              ) then "moment"
            end
          ) as "anchor",
          max(
            case
              when "is_return" then 1
              else 0
            end
          ) as "returned"
        from
          "events"
        group by
          "user_id",
          "period_start"
      )
    select
      "cohorts"."period_start" as "cohort_start",
      (
        (
          ("activity"."period_start")::date - ("cohorts"."period_start")::date
        ) / 7
      ) as "period"
    from
      "retention_user_periods" as "cohorts"
      inner join "retention_user_periods" as "activity" on "activity"."user_id" = "cohorts"."user_id"
      and "activity"."period_start" >= "cohorts"."period_start"
      and (
        "activity"."period_start" = "cohorts"."period_start"
        or "activity"."returned" = $6
      )
    where
      "cohorts"."anchor" is not null
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
