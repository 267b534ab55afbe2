-- agg.uniqueUsers on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `extracted` as (
    select
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
  ),
  `events_2` as (
    select
      `moment` as `__stored_moment`,
      `user_id` as `__stored_user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `__stored_moment` as `moment`,
      `__stored_user_id` as `user_id`
    from
      `events_2` as `events`
  ),
  `pairs` as (
    select
      (
        any_value(format_timestamp('%Y-%m-%d', `moment`, 'UTC'))
      ) as `time_aggregation`,
      `user_id`
    from
      `events_3` as `events`
    group by
      (format_timestamp('%Y-%m-%d', `moment`, 'UTC')) is null,
      to_json_string(format_timestamp('%Y-%m-%d', `moment`, 'UTC')),
      `user_id`
  )
select
  (any_value(`time_aggregation`)) as `time_aggregation`,
  count(`user_id`) as `unique_users`
from
  `pairs`
group by
  (`time_aggregation`) is null,
  to_json_string(`time_aggregation`)
