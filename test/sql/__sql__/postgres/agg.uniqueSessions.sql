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
      null
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
      null
  ),
  "starts" as (
    select
      "extracted".*,
      case
        when ("moment") - (
          lag("moment") over (
            partition by
              "user_id"
            order by
              "moment",
              "event_id"
          )
        ) <= 1800 * interval '1 second' then false
        else true
      end as "is_start"
    from
      "extracted"
  ),
  "sessions" as (
    select
      "event_type",
      "application",
      "user_id",
      sum(
        case
          when "is_start" then 1
          else 0
        end
      ) over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) as "__user_session"
    from
      "starts"
  ),
  "events" as (
    select
      "event_type",
      "application",
      "user_id" as "__session_user",
      "__user_session"
    from
      "sessions"
  ),
  "pairs" as (
    select
      ("application") as "application",
      ("event_type") as "event_type",
      "__session_user",
      "__user_session"
    from
      "events"
    group by
      "application",
      "event_type",
      "__session_user",
      "__user_session"
  ),
  "result" as (
    select
      ("application") as "application",
      ("event_type") as "event_type",
      count(*) as "unique_sessions"
    from
      "pairs"
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
