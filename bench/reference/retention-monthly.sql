-- Monthly retention: users by the month of their first event, counted in each month since.
with events as (
  select cookie_id, moment, min(moment) over (partition by cookie_id) as first_moment
  from data
)
select to_char(first_moment, 'YYYY-MM') as first_cohort,
       ((extract(year from moment) - extract(year from first_moment)) * 12
         + extract(month from moment) - extract(month from first_moment))::int as period,
       count(distinct cookie_id) as value
from events
group by 1, 2
