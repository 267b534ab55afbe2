-- events, snowplow layout on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `raw` as (
    select
      `sp`.*,
      row_number() over (
        partition by
          `sp`.`event_id`
        order by
          `sp`.`collector_tstamp`
      ) as `__occurrence`
    from
      `events` as `sp`
  ),
  `extracted` as (
    select
      `event_id`,
      date(`true_tstamp`, 'UTC') as `day`,
      `true_tstamp` as `moment`,
      coalesce(
        nullif(`network_userid`, ''),
        nullif(`domain_sessionid`, '')
      ) as `user_id`,
      `se_action` as `event_type`,
      coalesce(
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
                  to_json_string(`se_category`),
                  wide_number_mode => 'round'
                )
              ]
            ) as j
        ),
        json '[]'
      ) as `stack_event_types`,
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
                to_json_string(
                  `contexts_io_objectiv_location_stack_1_0_0` [safe_offset(0)].`location_stack`
                ),
                wide_number_mode => 'round'
              )
            ]
          ) as j
      ) as `location_stack`,
      to_json (
        array(
          select as struct
            'ApplicationContext' as `_type`,
            r.*
          from
            unnest (
              `contexts_io_objectiv_context_application_context_1_0_0`
            ) as r
          with
          offset
            as o
          order by
            o
        )
      ) as `application`,
      to_json (
        array(
          select as struct
            'HttpContext' as `_type`,
            r.*
          from
            unnest (`contexts_io_objectiv_context_http_context_1_0_0`) as r
          with
          offset
            as o
          order by
            o
        )
      ) as `http`
    from
      `raw`
    where
      `__occurrence` = 1
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
      ) + 1 as `session_hit_number`
    from
      `numbered`
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
  cast(`user_id` as string) as `user_id`,
  `session_id`,
  `session_hit_number`
from
  `sessions`
