-- Users per number of sessions: a user's sessions are one plus their gaps of more than 30 minutes,
-- counted in the one pass that finds the gaps (no session numbering at all).
select sessions as session_id_nunique, count(*) as user_id_nunique
from (
  select cookie_id, 1 + count(*) filter (where gap) as sessions
  from (select cookie_id, moment - lag(moment) over (partition by cookie_id order by moment, event_id) > interval '30 minutes' as gap
        from data) as hits
  group by cookie_id
) as users
group by sessions
