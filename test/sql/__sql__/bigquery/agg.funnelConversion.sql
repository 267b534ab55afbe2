-- agg.funnelConversion on bigquery: hub.toSql(query), placeholders kept
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
      `moment`,
      `cookie_id` as `user_id`,
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
      ) as `application`
    from
      `raw`
  ),
  `events_2` as (
    select
      `event_id`,
      `moment`,
      `location_stack`,
      `application`,
      `user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `events`.*,
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
      ) as `__location`
    from
      `events_2` as `events`
  ),
  `visits` as (
    select
      (`application`) as `application`,
      `user_id`,
      `__location` as `location`,
      `moment` as `__moment`,
      row_number() over (
        partition by
          `user_id`,
          `__location`
        order by
          `moment`,
          `event_id`
      ) as `__visit`
    from
      `events_3` as `events`
    where
      (
        `user_id` is not null
        and `application` is not null
      )
  ),
  `steps` as (
    select
      `application`,
      `location`,
      lead(`location`) over (
        partition by
          (`application`) is null,
          to_json_string(`application`),
          `user_id`
        order by
          `__moment`,
          (`location`)
      ) as `__next`
    from
      `visits`
    where
      case
        when `location` is null then 0
        else `__visit`
      end = 1
  ),
  `steps_2` as (
    select
      any_value(`application`) as `application`,
      `location`,
      count(*) as `n_users`,
      count(`__next`) as `n_users_completed_step`
    from
      `steps`
    group by
      (`application`) is null,
      to_json_string(`application`),
      `location`
  ),
  `result` as (
    select
      `application`,
      `location`,
      `n_users`,
      `n_users_completed_step`,
      round(1.0 * (`n_users_completed_step`) / (`n_users`), 3) as `step_conversion_rate`,
      round(
        1.0 * (`n_users_completed_step`) / (
          max(`n_users`) over (
            partition by
              (`application`) is null,
              to_json_string(`application`)
          )
        ),
        3
      ) as `full_conversion_rate`,
      round(
        1.0 * (`n_users` - `n_users_completed_step`) / (
          max(`n_users`) over (
            partition by
              (`application`) is null,
              to_json_string(`application`)
          )
        ),
        3
      ) as `dropoff_share`
    from
      `steps_2` as `steps`
  )
select
  `application`,
  `location`,
  `n_users`,
  `n_users_completed_step`,
  `step_conversion_rate`,
  `full_conversion_rate`,
  `dropoff_share`
from
  `result`
order by
  (`application`) is null,
  to_json_string(`application`),
  `n_users` desc,
  (`location`)
