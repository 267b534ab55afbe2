-- map.isNewUser (daily): hits on the days the user's first session touches. A user's days follow
-- their moments, so those are the days up to the day of the first session's last hit: three
-- windows over one sort per user, no global session numbering, no second sort by day.
with starts as (
  select event_id, cookie_id, moment,
         moment - lag(moment) over w > interval '30 minutes' as gap
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
first_session as (
  select event_id, cookie_id, moment, not coalesce(bool_or(gap) over w, false) as in_first
  from starts
  window w as (partition by cookie_id order by moment, event_id rows unbounded preceding)
)
select event_id, moment::date <= (max(moment) filter (where in_first) over (partition by cookie_id))::date as is_new_user
from first_session
