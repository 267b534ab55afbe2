-- map.preConversionHitNumber per session: for the hits before the session's first conversion
-- (strictly earlier moment), how many such hits there are from this one on. Those hits are the
-- first of the session, so it is their count less the hit's number in the session, plus one.
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
  select event_id, cookie_id, moment, converts,
         count(*) filter (where is_start) over w as session,
         row_number() over w as user_hit
  from hits
  window w as (partition by cookie_id order by moment, event_id rows unbounded preceding)
),
marked as (
  select event_id, cookie_id, session, moment,
         user_hit - min(user_hit) over s + 1 as session_hit,
         min(moment) filter (where converts) over s as converted_at
  from sessions
  window s as (partition by cookie_id, session)
)
select event_id,
       case when moment < converted_at
         then count(*) filter (where moment < converted_at) over (partition by cookie_id, session) - session_hit + 1
       end::float8 as pre_conversion_hit_number
from marked
