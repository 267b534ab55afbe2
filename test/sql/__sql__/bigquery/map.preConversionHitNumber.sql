-- map.preConversionHitNumber on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = "PressEvent"
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
      `event_id`,
      `day`,
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
      coalesce(`v` ['_types'], json '[]') as `stack_event_types`,
      `v` ['location_stack'] as `location_stack`,
      to_json (
        array(
          select
            e
          from
            unnest (json_query_array(`v` ['global_contexts'])) as e
          with
          offset
            as i
          where
            coalesce(
              (
                json_type (`e` ['_type']) = 'string'
                and json_value(`e` ['_type']) = 'ApplicationContext'
              ),
              false
            )
          order by
            i
        )
      ) as `application`,
      to_json (
        array(
          select
            e
          from
            unnest (json_query_array(`v` ['global_contexts'])) as e
          with
          offset
            as i
          where
            coalesce(
              (
                json_type (`e` ['_type']) = 'string'
                and json_value(`e` ['_type']) = 'HttpContext'
              ),
              false
            )
          order by
            i
        )
      ) as `http`
    from
      `raw`
  ),
  `flagged` as (
    select
      `extracted`.*,
      coalesce(`event_type` = @p0, false) as `__conversion_1`
    from
      `extracted`
  ),
  `starts` as (
    select
      `flagged`.*,
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
      row_number() over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id`
      ) as `user_hit`,
      unix_date(date(`moment`, 'UTC')) as `start_day`
    from
      `flagged`
  ),
  `numbered` as (
    select
      `starts`.*,
      case
        when `is_start` then `start_day` * 1000000000 + sum(
          case
            when `is_start` then 1
            else 0
          end
        ) over (
          partition by
            `start_day`
          order by
            `moment`,
            `event_id` rows between unbounded preceding
            and current row
        )
      end as `start_number`
    from
      `starts`
  ),
  `sessions` as (
    select
      `event_id`,
      `day`,
      `moment`,
      `event_type`,
      `stack_event_types`,
      `location_stack`,
      `application`,
      `http`,
      `__conversion_1`,
      `user_id`,
      max(`start_number`) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id` rows between unbounded preceding
          and current row
      ) as `session_id`,
      `user_hit` - max(
        case
          when `is_start` then `user_hit`
        end
      ) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id` rows between unbounded preceding
          and current row
      ) + 1 as `session_hit_number`,
      sum(
        case
          when `is_start` then 1
          else 0
        end
      ) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id` rows between unbounded preceding
          and current row
      ) as `__user_session`
    from
      `numbered`
  ),
  `events_2` as (
    select
      `event_id`,
      `day`,
      `moment`,
      `event_type`,
      `stack_event_types`,
      `location_stack`,
      `application`,
      `http`,
      cast(`user_id` as string) as `user_id`,
      `session_id`,
      `session_hit_number`,
      `user_id` as `__session_user`,
      `__user_session`,
      `moment` as `__stored_moment`,
      `__conversion_1`
    from
      `sessions`
  ),
  `events_3` as (
    select
      `events`.*,
      (
        sum(
          case
            when `__conversion_1` then 1
            else 0
          end
        ) over (
          partition by
            `__session_user`,
            `__user_session`
        )
      ) as `__converted`,
      (
        min(
          case
            when `__conversion_1` then `__stored_moment`
          end
        ) over (
          partition by
            `__session_user`,
            `__user_session`
        )
      ) as `__first_conversion`
    from
      `events_2` as `events`
  )
select
  `event_id`,
  `day`,
  `moment`,
  `event_type`,
  `stack_event_types`,
  `location_stack`,
  `application`,
  `http`,
  `user_id`,
  `session_id`,
  `session_hit_number`,
  (
    case
      when (
        `__converted` > 0
        and coalesce(
          `__stored_moment` < `__first_conversion`,
          `__stored_moment` is not null
        )
      ) then sum(
        case
          when (
            `__converted` > 0
            and coalesce(
              `__stored_moment` < `__first_conversion`,
              `__stored_moment` is not null
            )
          ) then 1
        end
      ) over (
        partition by
          `__session_user`,
          `__user_session`
      ) - `session_hit_number` + 1
    end
  ) as `pre_conversion_hit_number`
from
  `events_3` as `events`
