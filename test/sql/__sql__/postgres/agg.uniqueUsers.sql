-- agg.uniqueUsers on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "events" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "pairs" as (
    select
      (date_bin('1 day', "moment", 'epoch')) as "time_aggregation",
      "user_id"
    from
      "events"
    group by
      date_bin('1 day', "moment", 'epoch'),
      "user_id"
  ),
  "result" as (
    select
      (
        to_char(
          (
            timestamp 'epoch' + (("time_aggregation") - 'epoch')
          ),
          E'YYYY"-"MM"-"DD'
        )
      ) as "time_aggregation",
      count("user_id") as "unique_users"
    from
      "pairs"
    group by
      "time_aggregation"
  )
select
  "time_aggregation",
  ("unique_users")::float8 as "unique_users"
from
  "result"
