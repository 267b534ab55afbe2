-- Monthly retention: users by the month of their first event, counted in each month since. The
-- (user, month) pairs first (hashed), so the first month per user is a window over those few rows.
with months as (
  select distinct cookie_id, date_trunc('month', moment) as month from data
),
cohorts as (
  select cookie_id, month, min(month) over (partition by cookie_id) as first_month from months
)
select to_char(first_month, 'YYYY-MM') as first_cohort,
       ((extract(year from month) - extract(year from first_month)) * 12
         + extract(month from month) - extract(month from first_month))::int as period,
       count(*) as value
from cohorts
group by 1, 2
