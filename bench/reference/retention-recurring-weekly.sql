-- Weekly recurring retention: every user is in the cohort of each ISO week (by its Monday) they were
-- active in, and counted again in each later week they were active (period = weeks after the cohort).
with weeks as (
  select distinct cookie_id, date_trunc('week', moment) as week from data where cookie_id is not null
)
select to_char(c.week, 'YYYY-MM-DD') as first_cohort,
       ((a.week::date - c.week::date) / 7)::int as period,
       count(*)::int as value
from weeks as c
join weeks as a on a.cookie_id = c.cookie_id and a.week >= c.week
group by 1, 2
