-- Sessions per day: a session counts on every day it has hits. Sessions are told apart per user
-- (user, number of starts so far), and counted by two hashed GROUP BYs instead of a count(distinct)'s sort.
with starts as (
  select cookie_id, moment, event_id, moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select cookie_id, moment,
         count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id rows unbounded preceding) as session
  from starts
)
select time_aggregation, count(*) as unique_sessions
from (select distinct to_char(moment, 'YYYY-MM-DD') as time_aggregation, cookie_id, session from sessions) as per_day
group by time_aggregation
