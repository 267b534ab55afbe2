-- funnel.orderedSteps, unordered on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
--   $2 = true
--   $3 = true
--   $4 = true
--   $5 = 1
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
      ("v" ->> E'_type') as "event_type",
      ("v" -> E'location_stack') as "location_stack"
    from
      "raw"
    offset
      null
  ),
  "events" as (
    select
      (
        (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
      ) as "moment",
      "event_type",
      "location_stack",
      ("user_id")::text as "user_id"
    from
      "extracted"
  ),
  "events_2" as (
    select
      (
        to_char(
          (timestamp 'epoch' + (("moment") - 'epoch')),
          E'YYYY"-W"IW'
        )
      ) as "__key_0",
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
      "events"
    where
      "user_id" is not null
    offset
      null
  ),
  "events_3" as (
    select
      "__key_0",
      "__by",
      "__moment",
      max(
        case
          when "__s_1" then 1
          else 0
        end
      ) = 1 as "__s_1",
      max(
        case
          when "__s_3" then 1
          else 0
        end
      ) = 1 as "__s_3",
      dense_rank() over (
        partition by
          "__by"
        order by
          "__moment" desc
      ) as "__g"
    from
      "events_2" as "events"
    where
      (
        "__s_1" = $2
        or "__s_2" = $3
        or "__s_3" = $4
      )
    group by
      "__key_0",
      "__by",
      "__moment"
    order by
      "__by",
      "__moment" desc
  ),
  "events_4" as (
    select
      *,
      min(
        case
          when "__s_1" then "__moment"
        end
      ) over (
        partition by
          "__by"
        order by
          "__g" range between unbounded preceding
          and current row
      ) as "__at_1_1",
      min(
        case
          when "__s_3" then "__moment"
        end
      ) over (
        partition by
          "__by"
        order by
          "__g" range between unbounded preceding
          and current row
      ) as "__at_3_1",
      min(
        case
          when "__s_1" then "__moment"
        end
      ) over (
        partition by
          "__by"
        order by
          "__g" range between unbounded preceding
          and 1 preceding
      ) as "__after_1_2"
    from
      "events_3" as "events"
  ),
  "events_5" as (
    select
      *,
      min(
        case
          when "__s_1" then "__after_1_2"
        end
      ) over (
        partition by
          "__by"
        order by
          "__g" range between unbounded preceding
          and current row
      ) as "__at_1_2"
    from
      "events_4" as "events"
  ),
  "starts" as (
    select
      "__key_0",
      "__by",
      "__moment",
      case
        when "__at_1_1" is not null
        and extract(
          epoch
          from
            ("__at_1_1") - ("__moment")
        )::float8 <= 86400 then 1
        else 0
      end + case
        when "__at_1_2" is not null
        and extract(
          epoch
          from
            ("__at_1_2") - ("__moment")
        )::float8 <= 86400 then 1
        else 0
      end + case
        when "__at_3_1" is not null
        and extract(
          epoch
          from
            ("__at_3_1") - ("__moment")
        )::float8 <= 86400 then 1
        else 0
      end as "__reached"
    from
      "events_5" as "events"
    where
      "__key_0" is not null
  ),
  "users" as (
    select
      "__key_0",
      "__reached",
      row_number() over (
        partition by
          "__by"
        order by
          "__reached" desc,
          "__moment",
          ((("__key_0")::text) collate "C")
      ) as "__rank"
    from
      "starts"
  ),
  "counted" as (
    select
      "__key_0",
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
      "users"
    where
      "__rank" = $5
    group by
      "__key_0"
  ),
  "steps" as (
    select
      1 as "step"
    union all
    select
      2 as "step"
    union all
    select
      3 as "step"
  ),
  "result" as (
    select
      "counted"."__key_0" as "time_aggregation",
      "steps"."step",
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
      "counted",
      "steps"
  )
select
  "time_aggregation",
  ("step")::float8 as "step",
  ("n_users")::float8 as "n_users",
  ("step_conversion_rate")::float8 as "step_conversion_rate",
  ("full_conversion_rate")::float8 as "full_conversion_rate"
from
  "result"
order by
  "time_aggregation",
  "step"
