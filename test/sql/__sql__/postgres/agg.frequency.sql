-- agg.frequency on postgres: hub.toSql(query), placeholders kept
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
  "sessions" as (
    select
      "user_id",
      max("__user_session") over (
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
      ("user_id")::text as "user_id",
      "__user_session"
    from
      "sessions"
  ),
  "sessions_2" as (
    select
      "user_id"
    from
      "events"
    where
      "user_id" is not null
    group by
      "user_id",
      "__user_session"
  ),
  "users" as (
    select
      "user_id",
      count(*) as "session_id_nunique"
    from
      "sessions_2" as "sessions"
    group by
      "user_id"
  ),
  "result" as (
    select
      "session_id_nunique",
      count(*) as "user_id_nunique"
    from
      "users"
    group by
      "session_id_nunique"
  )
select
  ("session_id_nunique")::float8 as "session_id_nunique",
  ("user_id_nunique")::float8 as "user_id_nunique"
from
  "result"
