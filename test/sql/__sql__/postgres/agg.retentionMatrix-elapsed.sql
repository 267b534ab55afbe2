-- agg.retentionMatrix, elapsed on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "2022-03-20"
with
  "events" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "events_2" as (
    select
      "user_id",
      "moment",
      min("moment") over (
        partition by
          "user_id"
      ) as "first_moment"
    from
      "events"
    where
      "user_id" is not null
  ),
  "events_3" as (
    select
      "user_id",
      to_char(
        (timestamp 'epoch' + (("first_moment") - 'epoch')),
        E'YYYY"-"MM"-"DD'
      ) as "first_cohort",
      floor(
        extract(
          epoch
          from
            ("moment") - ("first_moment")
        )::float8 / 86400
      ) as "period"
    from
      "events_2" as "events"
    where
      to_char(
        (timestamp 'epoch' + (("moment") - 'epoch')),
        E'YYYY"-"MM"-"DD'
      ) <= $1
  ),
  "users" as (
    select
      "first_cohort",
      "period",
      "user_id"
    from
      "events_3" as "events"
    group by
      "first_cohort",
      "period",
      "user_id"
  ),
  "counts" as (
    select
      "first_cohort",
      "period",
      count(*) as "value"
    from
      "users"
    group by
      "first_cohort",
      "period"
  ),
  "result" as (
    select
      "first_cohort",
      "period",
      "value" * 100.0 / max(
        case
          when "period" = 0 then "value"
        end
      ) over (
        partition by
          "first_cohort"
      ) as "value"
    from
      "counts"
  )
select
  "first_cohort",
  ("period")::float8 as "period",
  ("value")::float8 as "value"
from
  "result"
