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
            date_trunc(
              E'day',
              (
                timestamp 'epoch' + (("__stored_moment") - 'epoch')
              )
            ) <= min(
              case
                when "__session_start" then date_trunc(
                  E'day',
                  (
                    timestamp 'epoch' + (("__previous_moment") - 'epoch')
                  )
                )
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
      "__stored_user_id"
    from
      "events_2" as "events"
    where
      "is_new_user" = $1
  ),
  "events_4" as (
    select
      "__stored_moment" as "moment",
      "__stored_user_id" as "user_id"
    from
      "events_3" as "events"
  ),
  "pairs" as (
    select
      (
        date_trunc(
          E'day',
          (timestamp 'epoch' + (("moment") - 'epoch'))
        )
      ) as "time_aggregation",
      "user_id"
    from
      "events_4" as "events"
    group by
      date_trunc(
        E'day',
        (timestamp 'epoch' + (("moment") - 'epoch'))
      ),
      "user_id"
  ),
  "result" as (
    select
      (
        to_char(
          (
            timestamp 'epoch' + (("time_aggregation") - 'epoch')
          ),
          E'YYYY"-"MM"-"DD'
        )
      ) as "time_aggregation",
      count("user_id") as "unique_users"
    from
      "pairs"
    group by
      "time_aggregation"
  ),
  "numerator" as (
    select
      "time_aggregation",
      ("unique_users")::float8 as "unique_users"
    from
      "result"
  ),
  "events_5" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "pairs_2" as (
    select
      (
        date_trunc(
          E'day',
          (timestamp 'epoch' + (("moment") - 'epoch'))
        )
      ) as "time_aggregation",
      "user_id"
    from
      "events_5" as "events"
    group by
      date_trunc(
        E'day',
        (timestamp 'epoch' + (("moment") - 'epoch'))
      ),
      "user_id"
  ),
  "result_2" as (
    select
      (
        to_char(
          (
            timestamp 'epoch' + (("time_aggregation") - 'epoch')
          ),
          E'YYYY"-"MM"-"DD'
        )
      ) as "time_aggregation",
      count("user_id") as "unique_users"
    from
      "pairs_2" as "pairs"
    group by
      "time_aggregation"
  ),
  "denominator" as (
    select
      "time_aggregation",
      ("unique_users")::float8 as "unique_users"
    from
      "result_2" as "result"
  ),
  "result_3" as (
    select
      coalesce(
        "numerator"."time_aggregation",
        "denominator"."time_aggregation"
      ) as "time_aggregation",
      ("numerator"."unique_users" * 1.0) / nullif("denominator"."unique_users", 0) as "unique_users"
    from
      "numerator"
      full join "denominator" on "numerator"."time_aggregation" = "denominator"."time_aggregation"
  )
select
  "time_aggregation",
  ("unique_users")::float8 as "unique_users"
from
  "result_3" as "result"
