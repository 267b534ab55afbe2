-- agg.uniqueUsers by application and location stack on postgres: hub.toSql(query), placeholders kept
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
      "cookie_id" as "user_id",
      ("v" -> E'location_stack') as "location_stack",
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
  "pairs" as (
    select
      ("application") as "application",
      ("location_stack") as "location_stack",
      "user_id"
    from
      "extracted"
    group by
      "application",
      "location_stack",
      "user_id"
  ),
  "result" as (
    select
      ("application") as "application",
      ("location_stack") as "location_stack",
      count("user_id") as "unique_users"
    from
      "pairs"
    group by
      "application",
      "location_stack"
  )
select
  "application",
  "location_stack",
  ("unique_users")::float8 as "unique_users"
from
  "result"
