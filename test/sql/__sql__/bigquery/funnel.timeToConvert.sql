-- funnel.timeToConvert on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "PressEvent"
--   @p1 = true
--   @p2 = 1
--   @p3 = 2
with
  `raw` as (
    select
      *,
      (
        select
          if(
            json_type (j) = 'string',
            parse_json (json_value(j), wide_number_mode => 'round'),
            j
          )
        from
          unnest (
            [
              parse_json (
                to_json_string(`value`),
                wide_number_mode => 'round'
              )
            ]
          ) as j
      ) as `v`
    from
      `events` as `data`
  ),
  `extracted` as (
    select
      `moment`,
      `cookie_id` as `user_id`,
      (
        select
          if(
            json_type (x) = 'string',
            json_value(x),
            nullif(to_json_string(x), 'null')
          )
        from
          unnest ([`v` ['_type']]) as x
      ) as `event_type`,
      `v` ['location_stack'] as `location_stack`
    from
      `raw`
  ),
  `events_2` as (
    select
      `moment`,
      `event_type`,
      `location_stack`,
      cast(`user_id` as string) as `user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `user_id` as `__by`,
      `moment` as `__moment`,
      coalesce(
        exists (
          select
            1
          from
            unnest (json_query_array(`location_stack`)) as e
          with
          offset
            as i
          where
            coalesce(
              (
                json_type (`e` ['_type']) = 'string'
                and json_value(`e` ['_type']) = 'OverlayContext'
              )
              and (
                json_type (`e` ['id']) = 'string'
                and json_value(`e` ['id']) = 'hamburger-menu'
              ),
              false
            )
        ),
        false
      ) as `__s_1`,
      coalesce(`event_type` = @p0, false) as `__s_2`
    from
      `events_2` as `events`
    where
      `user_id` is not null
  ),
  `events_4` as (
    select
      `__by`,
      `__moment`,
      `__s_1`,
      min(
        case
          when `__s_2` then `__moment`
        end
      ) over (
        partition by
          `__by`
        order by
          `__moment` desc range between unbounded preceding
          and current row
      ) as `__t_2_1`
    from
      `events_3` as `events`
  ),
  `starts` as (
    select
      `__by`,
      `__moment`,
      case
        when `__t_2_1` is not null
        and (
          timestamp_diff(`__t_2_1`, `__moment`, microsecond) / 1000000
        ) <= 86400 then 2
        else 1
      end as `__reached`,
      `__moment` as `__from_at`,
      `__t_2_1` as `__to_at`
    from
      `events_4` as `events`
    where
      `__s_1` = @p1
  ),
  `users` as (
    select
      `__reached`,
      row_number() over (
        partition by
          `__by`
        order by
          `__reached` desc,
          `__moment`
      ) as `__rank`,
      `__by`,
      `__from_at`,
      `__to_at`
    from
      `starts`
  ),
  `result` as (
    select
      `__by` as `user_id`,
      (
        timestamp_diff(`__to_at`, `__from_at`, microsecond) / 1000000
      ) as `seconds`
    from
      `users`
    where
      (
        `__rank` = @p2
        and `__reached` >= @p3
      )
  )
select
  `user_id`,
  `seconds`
from
  `result`
order by
  (cast(`user_id` as string))
