-- New users (see new-unique-users.sql) over all users per day, in one pass: NULL on a day without
-- new users. One row per (day, user) first, hashed, saying whether the day holds their first session.
with starts as (
  select cookie_id, moment, event_id, moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select cookie_id, moment, count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id) as session
  from starts
),
user_days as (
  select to_char(moment, 'YYYY-MM-DD') as time_aggregation, cookie_id, bool_or(session = 1) as is_new
  from sessions
  group by 1, 2
)
select time_aggregation, nullif(count(*) filter (where is_new), 0) * 1.0 / count(*) as unique_users
from user_days
group by 1
