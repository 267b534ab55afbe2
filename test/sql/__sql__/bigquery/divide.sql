-- divide on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = true
with
  `extracted` as (
    select
      `event_id`,
      `day`,
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
  ),
  `starts` as (
    select
      `extracted`.*,
      case
        when timestamp_diff(
          `moment`,
          lag(`moment`) over (
            partition by
              `user_id`
            order by
              `moment`,
              `event_id`
          ),
          microsecond
        ) <= 1800000000 then false
        else true
      end as `is_start`,
      lag(`moment`) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id`
      ) as `previous_moment`
    from
      `extracted`
  ),
  `events_2` as (
    select
      `day`,
      `user_id` as `__session_user`,
      `moment` as `__stored_moment`,
      `user_id` as `__stored_user_id`,
      `is_start` as `__session_start`,
      `previous_moment` as `__previous_moment`
    from
      `starts`
  ),
  `events_3` as (
    select
      `day`,
      `__stored_moment`,
      `__stored_user_id`,
      (
        (
          `__stored_user_id` is not null
          and coalesce(
            timestamp_trunc(`__stored_moment`, day, 'UTC') <= min(
              case
                when `__session_start` then timestamp_trunc(`__previous_moment`, day, 'UTC')
              end
            ) over (
              partition by
                `__session_user`
            ),
            true
          )
        )
      ) as `is_new_user`
    from
      `events_2` as `events`
  ),
  `events_4` as (
    select
      `day`,
      `__stored_moment`,
      `__stored_user_id`,
      (`is_new_user` = @p0) as `__numerator_row`
    from
      `events_3` as `events`
  ),
  `events_5` as (
    select
      `day`,
      `__stored_moment` as `moment`,
      `__stored_user_id` as `user_id`,
      `__numerator_row`
    from
      `events_4` as `events`
  ),
  `pairs` as (
    select
      (any_value(timestamp_trunc(`moment`, day, 'UTC'))) as `time_aggregation`,
      `user_id`,
      (
        max(
          case
            when `__numerator_row` then 1
            else 0
          end
        )
      ) as `__numerator_row`
    from
      `events_5` as `events`
    group by
      (timestamp_trunc(`moment`, day, 'UTC')) is null,
      to_json_string(timestamp_trunc(`moment`, day, 'UTC')),
      `user_id`
  ),
  `counted` as (
    select
      (
        format_timestamp('%Y-%m-%d', `time_aggregation`, 'UTC')
      ) as `time_aggregation`,
      count(`user_id`) as `all_n`,
      count(
        case
          when `__numerator_row` = 1 then `user_id`
        end
      ) as `flagged_n`,
      max(`__numerator_row`) as `flagged`
    from
      `pairs`
    group by
      `time_aggregation`
  ),
  `sides` as (
    select
      1 as `side`
    union all
    select
      2 as `side`
  )
select
  `counted`.`time_aggregation`,
  case
    when (
      `flagged` = 1
      and `counted`.`time_aggregation` is not null
    ) then (`flagged_n` * 1.0) / nullif(`all_n`, 0)
  end as `unique_users`
from
  `counted`
  inner join `sides` on true
where
  (
    `sides`.`side` = 1
    or (
      `flagged` = 1
      and `counted`.`time_aggregation` is null
    )
  )
