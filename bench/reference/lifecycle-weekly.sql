-- Weekly lifecycle by hand: per ISO week (by its Monday) with activity, users new, returning,
-- resurrecting and dormant (active the week before, not this one; docs/semantics.md §S8). Every week
-- from the first to the last active one has its rows, a week without activity too (0, or dormant).
with weeks as (
  select distinct cookie_id, date_trunc('week', moment)::date as week from data where cookie_id is not null
), flagged as (
  select week, cookie_id, lag(week) over (partition by cookie_id order by week) as previous from weeks
), active as (
  select week,
         count(*) filter (where previous is null) as new,
         count(*) filter (where previous = week - 7) as returning,
         count(*) filter (where previous < week - 7) as resurrecting
  from flagged
  group by week
), all_weeks as (
  select generate_series(min(week), max(week), interval '7 days')::date as week from weeks
), dormant as (
  select w.week, count(before.cookie_id) filter (where now.cookie_id is null) as dormant
  from all_weeks as w
  left join weeks as before on before.week = w.week - 7
  left join weeks as now on now.week = w.week and now.cookie_id = before.cookie_id
  group by w.week
)
select to_char(d.week, 'YYYY-MM-DD') as period, s.status,
       (case s.status when 'new' then coalesce(a.new, 0) when 'returning' then coalesce(a.returning, 0)
                      when 'resurrecting' then coalesce(a.resurrecting, 0) else d.dormant end)::int as users
from dormant as d
left join active as a on a.week = d.week
cross join (values ('new'), ('returning'), ('resurrecting'), ('dormant')) as s(status)
