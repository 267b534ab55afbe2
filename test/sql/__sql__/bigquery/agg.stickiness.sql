-- agg.stickiness on bigquery: hub.toSql(query), placeholders kept
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
      `moment`,
      `cookie_id` as `user_id`,
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
  `intervals` as (
    select
      (any_value(`application`)) as `application`,
      `user_id`
    from
      `extracted`
    where
      `user_id` is not null
    group by
      `user_id`,
      timestamp_trunc(`moment`, isoweek, 'UTC'),
      (`application`) is null,
      to_json_string(`application`)
  ),
  `users` as (
    select
      (any_value(`application`)) as `application`,
      count(*) as `intervals_active`
    from
      `intervals`
    group by
      `user_id`,
      (`application`) is null,
      to_json_string(`application`)
  )
select
  (any_value(`application`)) as `application`,
  `intervals_active`,
  count(*) as `users`
from
  `users`
group by
  `intervals_active`,
  (`application`) is null,
  to_json_string(`application`)
