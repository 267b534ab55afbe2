-- map.conversionsInTime per session: conversions in the session up to this hit's moment (hits at one
-- moment share the count). Per user: the conversions up to the moment, less those before the
-- session's first moment (hits at one moment are always in one session), so every window runs on
-- the one sort per user by moment.
with hits as (
  select event_id, cookie_id, moment, converts,
         moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from (select event_id, cookie_id, moment,
               v ->> '_type' = 'PressEvent' and v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]' as converts
        -- OFFSET NULL twice: the JSON is parsed once, and the flag (not the JSON) is what the sort carries.
        from (select event_id, cookie_id, moment, value::jsonb as v from data offset null) as data offset null) as data
  window w as (partition by cookie_id order by moment, event_id)
),
counted as (
  select event_id, cookie_id, moment, is_start,
         count(*) filter (where converts) over upto as so_far,
         count(*) filter (where converts) over before as before_moment
  from hits
  window upto as (partition by cookie_id order by moment range between unbounded preceding and current row),
         before as (partition by cookie_id order by moment range between unbounded preceding and current row exclude group)
)
-- RANGE (peers included) like the windows before: a session never starts at a later peer, since
-- hits at one moment are in one session, so the windows share the sort.
select event_id,
       so_far - max(case when is_start then before_moment end)
         over (partition by cookie_id order by moment range unbounded preceding) as conversions_in_time
from counted
