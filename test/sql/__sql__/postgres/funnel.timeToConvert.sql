-- funnel.timeToConvert on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
--   $2 = true
--   $3 = 1
--   $4 = 2
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
      "user_id" as "__by",
      "moment" as "__moment",
      coalesce(
        coalesce(
          ("location_stack") @> E'[{"_type":"OverlayContext","id":"hamburger-menu"}]'::jsonb,
          false
        ),
        false
      ) as "__s_1",
      coalesce("event_type" = $1, false) as "__s_2"
    from
      "events"
    where
      "user_id" is not null
    offset
      null
  ),
  "events_3" as (
    select
      "__by",
      "__moment",
      "__s_1",
      min(
        case
          when "__s_2" then "__moment"
        end
      ) over (
        partition by
          "__by"
        order by
          "__moment" desc range between unbounded preceding
          and current row
      ) as "__t_2_1"
    from
      "events_2" as "events"
  ),
  "starts" as (
    select
      "__by",
      "__moment",
      case
        when "__t_2_1" is not null
        and extract(
          epoch
          from
            ("__t_2_1") - ("__moment")
        )::float8 <= 86400 then 2
        else 1
      end as "__reached",
      "__moment" as "__from_at",
      "__t_2_1" as "__to_at"
    from
      "events_3" as "events"
    where
      "__s_1" = $2
  ),
  "users" as (
    select
      "__reached",
      row_number() over (
        partition by
          "__by"
        order by
          "__reached" desc,
          "__moment"
      ) as "__rank",
      "__by",
      "__from_at",
      "__to_at"
    from
      "starts"
  ),
  "result" as (
    select
      "__by" as "user_id",
      extract(
        epoch
        from
          ("__to_at") - ("__from_at")
      )::float8 as "seconds"
    from
      "users"
    where
      (
        "__rank" = $3
        and "__reached" >= $4
      )
  )
select
  "user_id",
  ("seconds")::float8 as "seconds"
from
  "result"
order by
  ((("user_id")::text) collate "C")
