-- agg.uniqueUsers, time zone on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
with
  `events_2` as (
    select
      `day`,
      `moment`,
      `cookie_id` as `user_id`
    from
      `events` as `data`
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
      `events_2` as `events`
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
