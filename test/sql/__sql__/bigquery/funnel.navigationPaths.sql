-- funnel.navigationPaths on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = 0
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
      `moment`,
      `cookie_id` as `user_id`,
      `v` ['location_stack'] as `location_stack`
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
      `moment`,
      `location_stack`,
      max(`start_number`) over (
        partition by
          `user_id`
        order by
          `moment`,
          `event_id` rows between unbounded preceding
          and current row
      ) as `session_id`
    from
      `numbered`
  ),
  `events_2` as (
    select
      `session_id` as `__by_0`,
      `moment` as `__sort`,
      (
        (
          select
            concat(
              max(if(s.i = s.n - 1, s.label, null)),
              coalesce(
                concat(
                  ' located at ',
                  string_agg(
                    if(s.i < s.n - 1, s.label, null),
                    ' => '
                    order by
                      s.i
                  )
                ),
                ''
              )
            )
          from
            (
              select
                i,
                count(*) over () as n,
                concat(
                  regexp_replace(
                    regexp_replace(
                      coalesce(json_value(`e` ['_type']), ''),
                      r'([a-z])([A-Z])',
                      r'\1 \2'
                    ),
                    r' Context$',
                    ''
                  ),
                  coalesce(concat(': ', json_value(`e` ['id'])), '')
                ) as label
              from
                unnest (json_query_array(`location_stack`)) as e
              with
              offset
                as i
            ) as s
        )
      ) as `__step`,
      `event_id` as `__event_id`
    from
      `sessions`
  ),
  `paths` as (
    select
      `__by_0`,
      (`__step`) as `location_stack_step_1`,
      (
        lead(`__step`, 1) over (
          partition by
            (`__by_0`) is null,
            to_json_string(`__by_0`)
          order by
            `__sort`,
            (`__step`),
            `__event_id`
        )
      ) as `location_stack_step_2`,
      (
        lead(`__step`, 2) over (
          partition by
            (`__by_0`) is null,
            to_json_string(`__by_0`)
          order by
            `__sort`,
            (`__step`),
            `__event_id`
        )
      ) as `location_stack_step_3`,
      row_number() over (
        partition by
          (`__by_0`) is null,
          to_json_string(`__by_0`)
        order by
          `__sort`,
          (`__step`),
          `__event_id`
      ) - 1 as `__offset`
    from
      `events_2` as `events`
    where
      (
        `__step` is not null
        and `__by_0` is not null
      )
  ),
  `result` as (
    select
      `__by_0` as `session_id`,
      `location_stack_step_1`,
      `location_stack_step_2`,
      `location_stack_step_3`,
      `__offset`
    from
      `paths`
    where
      (
        `__offset` = @p0
        or `location_stack_step_2` is not null
      )
  )
select
  `session_id`,
  `location_stack_step_1`,
  `location_stack_step_2`,
  `location_stack_step_3`
from
  `result`
order by
  (`session_id`) is null,
  to_json_string(`session_id`),
  `__offset`
