-- agg.retentionMatrix on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "extracted" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "events" as (
    select
      (
        (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
      ) as "moment",
      ("user_id")::text as "user_id"
    from
      "extracted"
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
        (
          timestamp 'epoch' + (
            (
              date_trunc(
                E'week',
                (timestamp 'epoch' + (("first_moment") - 'epoch'))
              )
            ) - 'epoch'
          )
        ),
        E'YYYY"-"MM"-"DD'
      ) as "first_cohort",
      (
        (
          date_trunc(
            'week',
            (timestamp 'epoch' + (("moment") - 'epoch'))
          )::date - date_trunc(
            'week',
            (timestamp 'epoch' + (("first_moment") - 'epoch'))
          )::date
        ) / 7
      ) as "period"
    from
      "events_2" as "events"
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
