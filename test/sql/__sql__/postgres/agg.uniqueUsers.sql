-- agg.uniqueUsers on postgres: hub.toSql(query), placeholders kept
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
  "result" as (
    select
      (
        to_char(
          (timestamp 'epoch' + (("moment") - 'epoch')),
          E'YYYY"-"MM"-"DD'
        )
      ) as "time_aggregation",
      (count(distinct "user_id")) as "unique_users"
    from
      "events"
    group by
      to_char(
        (timestamp 'epoch' + (("moment") - 'epoch')),
        E'YYYY"-"MM"-"DD'
      )
  )
select
  "time_aggregation",
  ("unique_users")::float8 as "unique_users"
from
  "result"
