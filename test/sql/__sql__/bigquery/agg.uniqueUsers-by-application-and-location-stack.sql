-- agg.uniqueUsers by application and location stack on bigquery: hub.toSql(query), placeholders kept
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
  `pairs` as (
    select
      (any_value(`application`)) as `application`,
      (any_value(`location_stack`)) as `location_stack`,
      `user_id`
    from
      `extracted`
    group by
      (`application`) is null,
      to_json_string(`application`),
      (`location_stack`) is null,
      to_json_string(`location_stack`),
      `user_id`
  )
select
  (any_value(`application`)) as `application`,
  (any_value(`location_stack`)) as `location_stack`,
  count(`user_id`) as `unique_users`
from
  `pairs`
group by
  (`application`) is null,
  to_json_string(`application`),
  (`location_stack`) is null,
  to_json_string(`location_stack`)
