-- agg.uniqueSessions on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "raw" as (
    select
      *,
      ("value")::jsonb as "v"
    from
      "data"
    offset
      0
  ),
  "extracted" as (
    select
      "event_id",
      "moment",
      "cookie_id" as "user_id",
      ("v" ->> E'_type') as "event_type",
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
      0
  ),
  "starts" as (
    select
      "extracted".*,
      case
        when extract(
          epoch
          from
            ("moment") - (
              lag("moment") over (
                partition by
                  "user_id"
                order by
                  "moment",
                  "event_id"
              )
            )
        )::float8 <= 1800 then false
        else true
      end as "is_start"
    from
      "extracted"
  ),
  "numbered" as (
    select
      "starts".*,
      case
        when "is_start" then sum(
          case
            when "is_start" then 1
            else 0
          end
        ) over (
          order by
            "moment",
            "event_id" rows between unbounded preceding
            and current row
        )
      end as "start_number"
    from
      "starts"
  ),
  "sessions" as (
    select
      "event_type",
      "application",
      max("start_number") over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) as "session_id"
    from
      "numbered"
  ),
  "events" as (
    select
      "event_type",
      "application",
      ("session_id")::float8 as "session_id"
    from
      "sessions"
  ),
  "result" as (
    select
      ("application") as "application",
      ("event_type") as "event_type",
      (count(distinct "session_id")) as "unique_sessions"
    from
      "events"
    group by
      "application",
      "event_type"
  )
select
  "application",
  "event_type",
  ("unique_sessions")::float8 as "unique_sessions"
from
  "result"
