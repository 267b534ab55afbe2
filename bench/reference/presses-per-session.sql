-- The notebook's presses per session: PressEvents of users who ever converted (a PressEvent in the
-- Quickstart Guide link), before the first conversion of their session (conversions at the same
-- moment count as before), per session numbered over all users in order of its first event.
with hits as (
  select event_id, moment, cookie_id, is_press, converts,
         moment - lag(moment) over w <= interval '30 minutes' is not true as is_start,
         row_number() over w as user_hit
  -- OFFSET NULL twice: the JSON is parsed once, and the sort carries two flags, not the JSON.
  from (select event_id, moment, cookie_id, v ->> '_type' = 'PressEvent' as is_press,
               v ->> '_type' = 'PressEvent' and v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]' as converts
        from (select event_id, moment, cookie_id, value::jsonb as v from data offset null) as data offset null) as data
  window w as (partition by cookie_id order by moment, event_id)
),
numbered as (
  select *, case when is_start then count(*) filter (where is_start) over (order by moment, event_id) end as start_number
  from hits
),
sessions as (
  select cookie_id, moment, is_press, converts, max(start_number) over w as session_id
  from numbered
  window w as (partition by cookie_id order by moment, event_id)
),
counted as (
  select cookie_id, session_id, is_press,
         count(*) filter (where converts) over (partition by session_id order by moment) as conversions_so_far,
         bool_or(converts) over (partition by cookie_id) as converted_user
  from sessions
)
select session_id, count(*) as presses
from counted
where is_press and converted_user and conversions_so_far = 0
group by session_id
