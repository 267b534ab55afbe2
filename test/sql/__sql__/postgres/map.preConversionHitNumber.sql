-- map.preConversionHitNumber on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
--   $2 = "PressEvent"
select
  "events"."event_id",
  "events"."day",
  "events"."moment",
  "events"."event_type",
  "events"."stack_event_types",
  "events"."location_stack",
  "events"."application",
  "events"."http",
  "events"."user_id",
  "events"."session_id",
  "events"."session_hit_number",
  "events"."pre_conversion_hit_number"
from
  (
    select
      "events"."event_id" as "event_id",
      "events"."day" as "day",
      "events"."moment" as "moment",
      "events"."event_type" as "event_type",
      "events"."stack_event_types" as "stack_event_types",
      "events"."location_stack" as "location_stack",
      "events"."application" as "application",
      "events"."http" as "http",
      "events"."user_id" as "user_id",
      "events"."session_id" as "session_id",
      "events"."session_hit_number" as "session_hit_number",
      "events"."__session_user" as "__session_user",
      "events"."__user_session" as "__user_session",
      (
        (
          case
            when (
              "__converted" > 0
              and "__conversions_in_time" = 0
            ) then sum(
              case
                when (
                  "__converted" > 0
                  and "__conversions_in_time" = 0
                ) then 1
              end
            ) over (
              partition by
                "__session_user",
                "__user_session"
              order by
                "session_hit_number" desc rows between unbounded preceding
                and current row
            )
          end
        )::float8
      ) as "pre_conversion_hit_number"
    from
      (
        select
          "events".*,
          (
            sum(
              case
                when coalesce("event_type" = $1, false) then 1
                else 0
              end
            ) over (
              partition by
                "__session_user",
                "__user_session"
              order by
                "moment" range between unbounded preceding
                and current row
            )
          ) as "__conversions_in_time",
          (
            sum(
              case
                when coalesce("event_type" = $2, false) then 1
                else 0
              end
            ) over (
              partition by
                "__session_user",
                "__user_session"
            )
          ) as "__converted"
        from
          (
            select
              "events"."event_id",
              "events"."day",
              "events"."moment",
              "events"."event_type",
              "events"."stack_event_types",
              "events"."location_stack",
              "events"."application",
              "events"."http",
              "events"."user_id",
              "events"."session_id",
              "events"."session_hit_number",
              "events"."__session_user",
              "events"."__user_session"
            from
              (
                select
                  "sessionized"."event_id" as "event_id",
                  to_char(
                    ("sessionized"."day")::date::timestamp,
                    'YYYY-MM-DD'
                  ) as "day",
                  (
                    (
                      timestamp 'epoch' + (("sessionized"."moment") - 'epoch')
                    ) at time zone 'UTC'
                  ) as "moment",
                  "sessionized"."event_type" as "event_type",
                  "sessionized"."stack_event_types" as "stack_event_types",
                  "sessionized"."location_stack" as "location_stack",
                  "sessionized"."application" as "application",
                  "sessionized"."http" as "http",
                  ("sessionized"."user_id")::text as "user_id",
                  ("sessionized"."session_id")::float8 as "session_id",
                  ("sessionized"."session_hit_number")::float8 as "session_hit_number",
                  "sessionized"."__session_user" as "__session_user",
                  "sessionized"."__user_session" as "__user_session"
                from
                  (
                    select
                      "event_id" as "event_id",
                      "day" as "day",
                      "moment" as "moment",
                      "event_type" as "event_type",
                      "stack_event_types" as "stack_event_types",
                      "location_stack" as "location_stack",
                      "application" as "application",
                      "http" as "http",
                      "user_id" as "user_id",
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
                      "user_id" as "__session_user",
                      max("__user_session") over (
                        partition by
                          "user_id"
                        order by
                          "moment",
                          "event_id" rows between unbounded preceding
                          and current row
                      ) as "__user_session"
                    from
                      (
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
                          end as "start_number",
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
                          (
                            select
                              "events".*,
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
                              end as "is_start",
                              row_number() over (
                                partition by
                                  "user_id"
                                order by
                                  "moment",
                                  "event_id"
                              ) as "user_hit"
                            from
                              (
                                select
                                  "raw"."event_id",
                                  "raw"."day",
                                  "raw"."moment",
                                  "raw"."cookie_id" as "user_id",
                                  ("raw"."v" ->> E'_type') as "event_type",
                                  coalesce(("raw"."v" -> E'_types'), '[]'::jsonb) as "stack_event_types",
                                  ("raw"."v" -> E'location_stack') as "location_stack",
                                  coalesce(
                                    jsonb_path_query_array(
                                      ("raw"."v" -> E'global_contexts'),
                                      E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
                                      E'{"v0":"ApplicationContext"}'::jsonb,
                                      true
                                    ),
                                    '[]'::jsonb
                                  ) as "application",
                                  coalesce(
                                    jsonb_path_query_array(
                                      ("raw"."v" -> E'global_contexts'),
                                      E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
                                      E'{"v0":"HttpContext"}'::jsonb,
                                      true
                                    ),
                                    '[]'::jsonb
                                  ) as "http"
                                from
                                  (
                                    select
                                      *,
                                      ("value")::jsonb as "v"
                                    from
                                      "data" as "data"
                                    offset
                                      0
                                  ) as "raw"
                                offset
                                  0
                              ) as "events"
                          ) as "starts"
                      ) as "numbered"
                  ) as "sessionized"
              ) as "events"
          ) as "events"
      ) as "events"
  ) as "events"
