-- map.isNewUser on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
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
      ) as `previous_moment`,
      row_number() over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id`
      ) as `user_hit`,
      unix_date(date(`moment`, 'UTC')) as `start_day`
    from
      `extracted`
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
      `is_start` as `__session_start`,
      `previous_moment` as `__previous_moment`
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
      `__session_start`,
      `__previous_moment`,
      `moment` as `__stored_moment`,
      `user_id` as `__stored_user_id`
    from
      `sessions`
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
