-- map.conversionsCounter per session: each hit gets its session's conversions (PressEvents in the
-- Quickstart Guide link). Sessions per user (numbered by their starts), JSON read once for two fields.
with hits as (
  select event_id, cookie_id, moment, converts,
         moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from (select event_id, cookie_id, moment,
               v ->> '_type' = 'PressEvent' and v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]' as converts
        -- OFFSET NULL twice: the JSON is parsed once, and the flag (not the JSON) is what the sort carries.
        from (select event_id, cookie_id, moment, value::jsonb as v from data offset null) as data offset null) as data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select event_id, cookie_id, converts,
         count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id rows unbounded preceding) as session
  from hits
)
select event_id, count(*) filter (where converts) over (partition by cookie_id, session) as converted
from sessions
