-- agg.lifecycle, time zone on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "events" as (
    select
      "moment",
      "cookie_id" as "user_id"
    from
      "data"
  ),
  "events_2" as (
    select
      "user_id",
      date_trunc(
        E'day',
        (
          timestamp 'epoch' + (
            (
              (
                (
                  (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
                ) at time zone E'Europe/Amsterdam'
              )
            ) - 'epoch'
          )
        )
      ) as "period_start"
    from
      "events"
    where
      "user_id" is not null
  ),
  "user_periods" as (
    select
      "user_id",
      "period_start"
    from
      "events_2" as "events"
    group by
      "period_start",
      "user_id"
  ),
  "user_periods_2" as (
    select
      "period_start",
      lag("period_start") over (
        partition by
          "user_id"
        order by
          "period_start"
      ) as "user_previous_start",
      lead("period_start") over (
        partition by
          "user_id"
        order by
          "period_start"
      ) as "user_next_start"
    from
      "user_periods"
  ),
  "periods" as (
    select
      "period_start",
      count(
        case
          when "user_previous_start" is null then 1
        end
      ) as "new",
      count(
        case
          when (
            ("period_start")::date - ("user_previous_start")::date
          ) = 1 then 1
        end
      ) as "returning",
      count(
        case
          when (
            ("period_start")::date - ("user_previous_start")::date
          ) > 1 then 1
        end
      ) as "resurrecting",
      count(
        case
          when "user_next_start" is null
          or not (
            (
              ("user_next_start")::date - ("period_start")::date
            ) = 1
          ) then 1
        end
      ) as "leaving",
      lag("period_start") over (
        order by
          "period_start"
      ) as "previous_start",
      lag(
        count(
          case
            when "user_next_start" is null
            or not (
              (
                ("user_next_start")::date - ("period_start")::date
              ) = 1
            ) then 1
          end
        )
      ) over (
        order by
          "period_start"
      ) as "previous_leaving",
      lead("period_start") over (
        order by
          "period_start"
      ) as "next_start"
    from
      "user_periods_2" as "user_periods"
    group by
      "period_start"
  ),
  "periods_2" as (
    select
      "series_start" as "period_start",
      case
        when "series_start" = "periods"."period_start" then "periods"."new"
        else 0
      end as "new",
      case
        when "series_start" = "periods"."period_start" then "periods"."returning"
        else 0
      end as "returning",
      case
        when "series_start" = "periods"."period_start" then "periods"."resurrecting"
        else 0
      end as "resurrecting",
      case
        when "series_start" = "periods"."period_start" then case
          when (
            ("periods"."period_start")::date - ("periods"."previous_start")::date
          ) = 1 then "periods"."previous_leaving"
          else 0
        end
        when (
          ("series_start")::date - ("periods"."period_start")::date
        ) = 1 then "periods"."leaving"
        else 0
      end as "dormant"
    from
      "periods",
      generate_series(
        (
          timestamp 'epoch' + (("periods"."period_start") - 'epoch')
        ),
        (
          timestamp 'epoch' + (
            (
              coalesce("periods"."next_start", "periods"."period_start")
            ) - 'epoch'
          )
        ),
        E'1 day'::interval
      ) as "series_start"
    where
      (
        "periods"."next_start" is null
        or "series_start" < "periods"."next_start"
      )
  ),
  "result" as (
    select
      (
        to_char(
          (
            timestamp 'epoch' + (("periods"."period_start") - 'epoch')
          ),
          E'YYYY"-"MM"-"DD'
        )
      ) as "period",
      "statuses"."status",
      case "statuses"."status"
        when 'new' then "periods"."new"
        when 'returning' then "periods"."returning"
        when 'resurrecting' then "periods"."resurrecting"
        when 'dormant' then "periods"."dormant"
      end as "users"
    from
      "periods_2" as "periods",
      (
        select
          'new' as status
        union all
        select
          'returning' as status
        union all
        select
          'resurrecting' as status
        union all
        select
          'dormant' as status
      ) as "statuses"
  )
select
  "period",
  "status",
  ("users")::float8 as "users"
from
  "result"
