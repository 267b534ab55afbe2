-- Daily retention in elapsed 24-hour periods (Objectiv's daily rule): users by the day of their first
-- event, counted in each whole 24 hours since that event.
with events as (
  select cookie_id, moment, min(moment) over (partition by cookie_id) as first_moment
  from data
  where cookie_id is not null
)
select to_char(first_moment, 'YYYY-MM-DD') as first_cohort,
       floor(extract(epoch from moment - first_moment) / 86400)::int as period,
       count(distinct cookie_id)::int as value
from events
group by 1, 2
