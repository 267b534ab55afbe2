-- agg.sessionDuration, sum on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "extracted" as (
    select
      "event_id",
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
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
      "moment",
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
      "moment",
      "user_id" as "__session_user",
      "__user_session"
    from
      "sessions"
  ),
  "events_2" as (
    select
      "__session_user",
      "__user_session",
      extract(
        epoch
        from
          (max("moment")) - (min("moment"))
      )::float8 as "__session_duration"
    from
      "events"
    group by
      "__session_user",
      "__user_session"
  ),
  "result" as (
    select
      (sum("__session_duration")) as "session_duration"
    from
      "events_2" as "events"
  )
select
  ("session_duration")::float8 as "session_duration"
from
  "result"
where
  "session_duration" is not null
