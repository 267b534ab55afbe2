-- New users (see new-unique-users.sql) over all users per day, in one pass: NULL on a day without new users.
with starts as (
  select cookie_id, moment, event_id, moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select cookie_id, moment, count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id) as session
  from starts
)
select to_char(moment, 'YYYY-MM-DD') as time_aggregation,
       nullif(count(distinct cookie_id) filter (where session = 1), 0) * 1.0 / count(distinct cookie_id) as unique_users
from sessions
group by 1
