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
  "events" as (
    select
      "user_id" as "__session_user",
      "is_start" as "__session_start",
      "user_id" as "__stored_user_id"
    from
      "starts"
  ),
  "users" as (
    select
      sum(
        case
          when "__session_start" then 1
          else 0
        end
      ) as "session_id_nunique"
    from
      "events"
    where
      "__stored_user_id" is not null
    group by
      "__session_user"
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
