-- Time to convert through home page → Quickstart Guide link → press (in order, within a day): per
-- user, seconds from the earliest home visit that gets to a press within the day to that press
-- (the earliest it can be reached from there). One row per user and distinct moment with its steps.
with moments as (
  select cookie_id, moment,
         bool_or(v -> 'location_stack' @> '[{"_type": "RootLocationContext", "id": "home"}]') as s1,
         bool_or(v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]') as s2,
         bool_or(v ->> '_type' = 'PressEvent') as s3
  from (select cookie_id, moment, value::jsonb as v from data offset null) as data
  group by cookie_id, moment
),
-- The first press from each moment on.
pressed as (
  select cookie_id, moment, s1, s2, min(moment) filter (where s3) over later as press_at
  from moments
  window later as (partition by cookie_id order by moment rows between current row and unbounded following)
),
-- From each moment on: the first press after a Quickstart link.
finished as (
  select cookie_id, moment, s1, min(press_at) filter (where s2) over later as done_at
  from pressed
  window later as (partition by cookie_id order by moment rows between current row and unbounded following)
)
select distinct on (cookie_id) cookie_id as user_id, extract(epoch from done_at - moment)::float8 as seconds
from finished
where s1 and extract(epoch from done_at - moment) <= 86400
order by cookie_id, moment
