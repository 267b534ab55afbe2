-- funnel.orderedSteps on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "PressEvent"
--   @p1 = true
--   @p2 = 1
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
      (format_timestamp('%Y-%m-%d', `moment`, 'UTC')) as `__key_0`,
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
      ) as `__s_2`,
      coalesce(`event_type` = @p0, false) as `__s_3`
    from
      `events_2` as `events`
    where
      `user_id` is not null
  ),
  `events_4` as (
    select
      `__by`,
      `__moment`,
      `__key_0`,
      `__s_1`,
      `__s_2`,
      `__s_3`,
      dense_rank() over (
        partition by
          `__by`
        order by
          `__moment` desc
      ) as `__g`
    from
      `events_3` as `events`
  ),
  `events_5` as (
    select
      `__by`,
      `__moment`,
      `__key_0`,
      `__s_1`,
      `__s_2`,
      `__g`,
      min(
        case
          when `__s_2` then `__moment`
        end
      ) over (
        partition by
          `__by`
        order by
          `__g` range between unbounded preceding
          and 1 preceding
      ) as `__t_2_1`,
      min(
        case
          when `__s_3` then `__moment`
        end
      ) over (
        partition by
          `__by`
        order by
          `__g` range between unbounded preceding
          and current row
      ) as `__t_3_2`
    from
      `events_4` as `events`
  ),
  `events_6` as (
    select
      `__by`,
      `__moment`,
      `__key_0`,
      `__s_1`,
      `__t_2_1`,
      min(
        case
          when `__s_2` then `__t_3_2`
        end
      ) over (
        partition by
          `__by`
        order by
          `__g` range between unbounded preceding
          and 1 preceding
      ) as `__t_3_1`
    from
      `events_5` as `events`
  ),
  `starts` as (
    select
      `__key_0`,
      `__by`,
      `__moment`,
      case
        when `__t_3_1` is not null
        and (
          timestamp_diff(`__t_3_1`, `__moment`, microsecond) / 1000000
        ) <= 86400 then 3
        when `__t_2_1` is not null
        and (
          timestamp_diff(`__t_2_1`, `__moment`, microsecond) / 1000000
        ) <= 86400 then 2
        else 1
      end as `__reached`
    from
      `events_6` as `events`
    where
      (
        `__s_1` = @p1
        and `__key_0` is not null
      )
  ),
  `users` as (
    select
      `__key_0`,
      `__reached`,
      row_number() over (
        partition by
          `__by`
        order by
          `__reached` desc,
          `__moment`,
          (cast((`__key_0`) is null as string)),
          (cast(to_json_string(`__key_0`) as string))
      ) as `__rank`
    from
      `starts`
  ),
  `counted` as (
    select
      any_value(`__key_0`) as `__key_0`,
      count(
        case
          when `__reached` >= 1 then 1
        end
      ) as `__n_1`,
      count(
        case
          when `__reached` >= 2 then 1
        end
      ) as `__n_2`,
      count(
        case
          when `__reached` >= 3 then 1
        end
      ) as `__n_3`
    from
      `users`
    where
      `__rank` = @p2
    group by
      (`__key_0`) is null,
      to_json_string(`__key_0`)
  ),
  `steps` as (
    select
      1 as `step`
    union all
    select
      2 as `step`
    union all
    select
      3 as `step`
  ),
  `result` as (
    select
      `counted`.`__key_0` as `time_aggregation`,
      `steps`.`step`,
      case `steps`.`step`
        when 1 then `counted`.`__n_1`
        when 2 then `counted`.`__n_2`
        when 3 then `counted`.`__n_3`
      end as `n_users`,
      case `steps`.`step`
        when 1 then 1.0
        when 2 then 1.0 * `counted`.`__n_2` / nullif(`counted`.`__n_1`, 0)
        when 3 then 1.0 * `counted`.`__n_3` / nullif(`counted`.`__n_2`, 0)
      end as `step_conversion_rate`,
      case `steps`.`step`
        when 1 then 1.0
        when 2 then 1.0 * `counted`.`__n_2` / nullif(`counted`.`__n_1`, 0)
        when 3 then 1.0 * `counted`.`__n_3` / nullif(`counted`.`__n_1`, 0)
      end as `full_conversion_rate`
    from
      `counted`,
      `steps`
  )
select
  `time_aggregation`,
  `step`,
  `n_users`,
  `step_conversion_rate`,
  `full_conversion_rate`
from
  `result`
order by
  (`time_aggregation`) is null,
  to_json_string(`time_aggregation`),
  `step`
