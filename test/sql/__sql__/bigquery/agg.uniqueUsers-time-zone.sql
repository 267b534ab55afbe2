-- agg.uniqueUsers, time zone on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `extracted` as (
    select
      `day`,
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
  ),
  `events_2` as (
    select
      `day`,
      `moment` as `__stored_moment`,
      `user_id` as `__stored_user_id`
    from
      `extracted`
  ),
  `events_3` as (
    select
      `day`,
      `__stored_moment` as `moment`,
      `__stored_user_id` as `user_id`
    from
      `events_2` as `events`
  ),
  `pairs` as (
    select
      (
        any_value(
          timestamp_trunc(
            timestamp(datetime(`moment`, 'Europe/Amsterdam')),
            day,
            'UTC'
          )
        )
      ) as `time_aggregation`,
      `user_id`
    from
      `events_3` as `events`
    group by
      (
        timestamp_trunc(
          timestamp(datetime(`moment`, 'Europe/Amsterdam')),
          day,
          'UTC'
        )
      ) is null,
      to_json_string(
        timestamp_trunc(
          timestamp(datetime(`moment`, 'Europe/Amsterdam')),
          day,
          'UTC'
        )
      ),
      `user_id`
  )
select
  (
    format_timestamp('%Y-%m-%d', `time_aggregation`, 'UTC')
  ) as `time_aggregation`,
  count(`user_id`) as `unique_users`
from
  `pairs`
group by
  `time_aggregation`
