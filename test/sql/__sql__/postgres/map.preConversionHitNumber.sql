-- map.preConversionHitNumber on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
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
      "day",
      "moment",
      "cookie_id" as "user_id",
      ("v" ->> E'_type') as "event_type",
      coalesce(("v" -> E'_types'), '[]'::jsonb) as "stack_event_types",
      ("v" -> E'location_stack') as "location_stack",
      coalesce(
        jsonb_path_query_array(
          ("v" -> E'global_contexts'),
          E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
          E'{"v0":"ApplicationContext"}'::jsonb,
          true
        ),
        '[]'::jsonb
      ) as "application",
      coalesce(
        jsonb_path_query_array(
          ("v" -> E'global_contexts'),
          E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
          E'{"v0":"HttpContext"}'::jsonb,
          true
        ),
        '[]'::jsonb
      ) as "http"
    from
      "raw"
    offset
      null
  ),
  "flagged" as (
    select
      "extracted".*,
      coalesce("event_type" = $1, false) as "__conversion_1"
    from
      "extracted"
    offset
      null
  ),
  "starts" as (
    select
      "flagged".*,
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
      end as "is_start",
      row_number() over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id"
      ) as "user_hit"
    from
      "flagged"
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
      "event_id",
      "day",
      "moment",
      "event_type",
      "stack_event_types",
      "location_stack",
      "application",
      "http",
      "__conversion_1",
      "user_id",
      max("start_number") over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) as "session_id",
      "user_hit" - max(
        case
          when "is_start" then "user_hit"
        end
      ) over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) + 1 as "session_hit_number",
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
      "numbered"
  ),
  "events" as (
    select
      "event_id",
      to_char(("day")::date::timestamp, 'YYYY-MM-DD') as "day",
      (
        (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
      ) as "moment",
      "event_type",
      "stack_event_types",
      "location_stack",
      "application",
      "http",
      ("user_id")::text as "user_id",
      ("session_id")::float8 as "session_id",
      ("session_hit_number")::float8 as "session_hit_number",
      "user_id" as "__session_user",
      "__user_session",
      "moment" as "__stored_moment",
      "__conversion_1"
    from
      "sessions"
  ),
  "events_2" as (
    select
      "events".*,
      (
        sum(
          case
            when "__conversion_1" then 1
            else 0
          end
        ) over (
          partition by
            "__session_user",
            "__user_session"
        )
      ) as "__converted",
      (
        min(
          case
            when "__conversion_1" then "__stored_moment"
          end
        ) over (
          partition by
            "__session_user",
            "__user_session"
        )
      ) as "__first_conversion"
    from
      "events"
  )
select
  "event_id",
  "day",
  "moment",
  "event_type",
  "stack_event_types",
  "location_stack",
  "application",
  "http",
  "user_id",
  "session_id",
  "session_hit_number",
  (
    (
      case
        when (
          "__converted" > 0
          and coalesce(
            "__stored_moment" < "__first_conversion",
            "__stored_moment" is not null
          )
        ) then sum(
          case
            when (
              "__converted" > 0
              and coalesce(
                "__stored_moment" < "__first_conversion",
                "__stored_moment" is not null
              )
            ) then 1
          end
        ) over (
          partition by
            "__session_user",
            "__user_session"
        ) - "session_hit_number" + 1
      end
    )::float8
  ) as "pre_conversion_hit_number"
from
  "events_2" as "events"
