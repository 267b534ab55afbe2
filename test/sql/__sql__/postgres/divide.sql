-- divide on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = true
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
      end as "is_start",
      lag("moment") over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id"
      ) as "previous_moment"
    from
      "extracted"
  ),
  "events" as (
    select
      "user_id" as "__session_user",
      "moment" as "__stored_moment",
      "user_id" as "__stored_user_id",
      "is_start" as "__session_start",
      "previous_moment" as "__previous_moment"
    from
      "starts"
  ),
  "events_2" as (
    select
      "__stored_moment",
      "__stored_user_id",
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
  ),
  "events_3" as (
    select
      "__stored_moment",
      "__stored_user_id",
      ("is_new_user" = $1) as "__numerator_row"
    from
      "events_2" as "events"
  ),
  "events_4" as (
    select
      "__stored_moment" as "moment",
      "__stored_user_id" as "user_id",
      "__numerator_row"
    from
      "events_3" as "events"
  ),
  "pairs" as (
    select
      (date_bin('1 day', "moment", 'epoch')) as "time_aggregation",
      "user_id",
      (
        max(
          case
            when "__numerator_row" then 1
            else 0
          end
        )
      ) as "__numerator_row"
    from
      "events_4" as "events"
    group by
      date_bin('1 day', "moment", 'epoch'),
      "user_id"
  ),
  "counted" as (
    select
      (
        to_char(
          (
            timestamp 'epoch' + (("time_aggregation") - 'epoch')
          ),
          E'YYYY"-"MM"-"DD'
        )
      ) as "time_aggregation",
      (count("user_id"))::float8 as "all_n",
      (
        count(
          case
            when "__numerator_row" = 1 then "user_id"
          end
        )
      )::float8 as "flagged_n",
      max("__numerator_row") as "flagged"
    from
      "pairs"
    group by
      "time_aggregation"
  ),
  "sides" as (
    select
      1 as "side"
    union all
    select
      2 as "side"
  ),
  "result" as (
    select
      "counted"."time_aggregation",
      case
        when (
          "flagged" = 1
          and "counted"."time_aggregation" is not null
        ) then ("flagged_n" * 1.0) / nullif("all_n", 0)
      end as "unique_users"
    from
      "counted"
      inner join "sides" on true
    where
      (
        "sides"."side" = 1
        or (
          "flagged" = 1
          and "counted"."time_aggregation" is null
        )
      )
  )
select
  "time_aggregation",
  ("unique_users")::float8 as "unique_users"
from
  "result"
