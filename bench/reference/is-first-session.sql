-- map.isFirstSession: the user's hits before their first gap of more than 30 minutes. One sort per
-- user by (moment, event_id) serves both windows; no global session numbering.
with starts as (
  select event_id, cookie_id, moment,
         moment - lag(moment) over w > interval '30 minutes' as gap
  from data
  window w as (partition by cookie_id order by moment, event_id)
)
select event_id, not coalesce(bool_or(gap) over w, false) as is_first_session
from starts
window w as (partition by cookie_id order by moment, event_id rows unbounded preceding)
