-- map.isNewUser on postgres: hub.toSql(query), placeholders kept
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
      end as "is_start",
      lag("moment") over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id"
      ) as "previous_moment",
      row_number() over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id"
      ) as "user_hit"
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
      "event_id",
      "day",
      "moment",
      "event_type",
      "stack_event_types",
      "location_stack",
      "application",
      "http",
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
      "is_start" as "__session_start",
      "previous_moment" as "__previous_moment"
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
      "__session_start",
      "__previous_moment",
      "moment" as "__stored_moment",
      "user_id" as "__stored_user_id"
    from
      "sessions"
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
      "__stored_user_id" is not null
      and coalesce(
        date_bin('1 day', "__stored_moment", 'epoch') <= min(
          case
            when "__session_start" then date_bin('1 day', "__previous_moment", 'epoch')
          end
        ) over (
          partition by
            "__session_user"
        ),
        true
      )
    )
  ) as "is_new_user"
from
  "events"
