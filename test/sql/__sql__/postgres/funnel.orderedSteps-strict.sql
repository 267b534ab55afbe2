-- funnel.orderedSteps, strict on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
--   $2 = true
--   $3 = 1
select
  ("result"."step")::float8 as "step",
  ("result"."n_users")::float8 as "n_users",
  ("result"."step_conversion_rate")::float8 as "step_conversion_rate",
  ("result"."full_conversion_rate")::float8 as "full_conversion_rate"
from
  (
    select
      "steps"."step" as "step",
      case "steps"."step"
        when 1 then "counted"."__n_1"
        when 2 then "counted"."__n_2"
        when 3 then "counted"."__n_3"
      end as "n_users",
      case "steps"."step"
        when 1 then 1.0
        when 2 then 1.0 * "counted"."__n_2" / nullif("counted"."__n_1", 0)
        when 3 then 1.0 * "counted"."__n_3" / nullif("counted"."__n_2", 0)
      end as "step_conversion_rate",
      case "steps"."step"
        when 1 then 1.0
        when 2 then 1.0 * "counted"."__n_2" / nullif("counted"."__n_1", 0)
        when 3 then 1.0 * "counted"."__n_3" / nullif("counted"."__n_1", 0)
      end as "full_conversion_rate"
    from
      (
        select
          count(
            case
              when "__reached" >= 1 then 1
            end
          ) as "__n_1",
          count(
            case
              when "__reached" >= 2 then 1
            end
          ) as "__n_2",
          count(
            case
              when "__reached" >= 3 then 1
            end
          ) as "__n_3"
        from
          (
            select
              "__reached" as "__reached",
              row_number() over (
                partition by
                  "__by"
                order by
                  "__reached" desc,
                  "__moment"
              ) as "__rank"
            from
              (
                select
                  "__by" as "__by",
                  "__moment" as "__moment",
                  case
                    when "__t_3_1" is not null
                    and extract(
                      epoch
                      from
                        ("__t_3_1") - ("__moment")
                    )::float8 <= 86400 then 3
                    when "__t_2_1" is not null
                    and extract(
                      epoch
                      from
                        ("__t_2_1") - ("__moment")
                    )::float8 <= 86400 then 2
                    else 1
                  end as "__reached"
                from
                  (
                    select
                      "__by" as "__by",
                      "__moment" as "__moment",
                      "__s_1" as "__s_1",
                      "__s_2" as "__s_2",
                      "__s_3" as "__s_3",
                      "__g" as "__g",
                      "__t_2_1" as "__t_2_1",
                      min(
                        case
                          when "__s_2" then "__t_3_2"
                        end
                      ) over (
                        partition by
                          "__by"
                        order by
                          "__g" range between 1 following
                          and 1 following
                      ) as "__t_3_1"
                    from
                      (
                        select
                          "__by" as "__by",
                          "__moment" as "__moment",
                          "__s_1" as "__s_1",
                          "__s_2" as "__s_2",
                          "__s_3" as "__s_3",
                          "__g" as "__g",
                          min(
                            case
                              when "__s_2" then "__moment"
                            end
                          ) over (
                            partition by
                              "__by"
                            order by
                              "__g" range between 1 following
                              and 1 following
                          ) as "__t_2_1",
                          min(
                            case
                              when "__s_3" then "__moment"
                            end
                          ) over (
                            partition by
                              "__by"
                            order by
                              "__g" range between current row
                              and 1 following
                          ) as "__t_3_2"
                        from
                          (
                            select
                              "__by" as "__by",
                              "__moment" as "__moment",
                              "__s_1" as "__s_1",
                              "__s_2" as "__s_2",
                              "__s_3" as "__s_3",
                              dense_rank() over (
                                partition by
                                  "__by"
                                order by
                                  "__moment"
                              ) as "__g"
                            from
                              (
                                select
                                  "user_id" as "__by",
                                  "moment" as "__moment",
                                  coalesce(
                                    coalesce(
                                      ("location_stack") @> E'[{"_type":"OverlayContext","id":"hamburger-menu"}]'::jsonb,
                                      false
                                    ),
                                    false
                                  ) as "__s_1",
                                  coalesce(
                                    coalesce(
                                      ("location_stack") @> E'[{"_type":"OverlayContext","id":"hamburger-menu"}]'::jsonb,
                                      false
                                    ),
                                    false
                                  ) as "__s_2",
                                  coalesce("event_type" = $1, false) as "__s_3"
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
                                      "events"."session_hit_number"
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
                                where
                                  "user_id" is not null
                                offset
                                  0
                              ) as "events"
                          ) as "events"
                      ) as "events"
                  ) as "events"
                where
                  "__s_1" = $2
              ) as "starts"
          ) as "users"
        where
          "__rank" = $3
        having
          count(*) > 0
      ) as "counted",
      (
        select
          1 as "step"
        union all
        select
          2 as "step"
        union all
        select
          3 as "step"
      ) as "steps"
  ) as "result"
order by
  "step"
