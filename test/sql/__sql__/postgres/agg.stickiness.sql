-- agg.stickiness on postgres: hub.toSql(query), placeholders kept
-- parameters: none
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
      coalesce(
        jsonb_path_query_array(
          ("v" -> E'global_contexts'),
          E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
          E'{"v0":"ApplicationContext"}'::jsonb,
          true
        ),
        '[]'::jsonb
      ) as "application"
    from
      "raw"
    offset
      null
  ),
  "intervals" as (
    select
      ("application") as "application",
      "user_id"
    from
      "extracted"
    where
      "user_id" is not null
    group by
      "user_id",
      date_bin('7 days', "moment", '1970-01-05 00:00:00+00'),
      "application"
  ),
  "users" as (
    select
      ("application") as "application",
      count(*) as "intervals_active"
    from
      "intervals"
    group by
      "user_id",
      "application"
  ),
  "result" as (
    select
      ("application") as "application",
      "intervals_active",
      count(*) as "users"
    from
      "users"
    group by
      "intervals_active",
      "application"
  )
select
  "application",
  ("intervals_active")::float8 as "intervals_active",
  ("users")::float8 as "users"
from
  "result"
