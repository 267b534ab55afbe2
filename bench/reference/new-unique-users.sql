-- A user is new on the days their first session touches; the first session is the one before
-- their first gap of more than 30 minutes, so no global session numbering is needed. The first
-- session's rows stop each user's window early (a run condition on the running count); the
-- (day, user) pairs are then counted by two hashed GROUP BYs rather than a count(distinct)'s sort.
with starts as (
  select cookie_id, moment, event_id, moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
first_session as (
  select cookie_id, moment
  from (select cookie_id, moment, count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id) as session
        from starts) as s
  where session = 1
)
select time_aggregation, count(*) as unique_users
from (select distinct to_char(moment, 'YYYY-MM-DD') as time_aggregation, cookie_id from first_session) as new_users
group by time_aggregation
