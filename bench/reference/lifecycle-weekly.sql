-- Weekly lifecycle by hand: per ISO week (by its Monday) with activity, users new, returning,
-- resurrecting and dormant (active the week before, not this one; docs/semantics.md §S8).
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
), dormant as (
  select w.week, count(before.cookie_id) filter (where now.cookie_id is null) as dormant
  from (select distinct week from weeks) as w
  left join weeks as before on before.week = w.week - 7
  left join weeks as now on now.week = w.week and now.cookie_id = before.cookie_id
  group by w.week
)
select to_char(a.week, 'YYYY-MM-DD') as period, s.status,
       (case s.status when 'new' then a.new when 'returning' then a.returning
                      when 'resurrecting' then a.resurrecting else d.dormant end)::int as users
from active as a
join dormant as d on d.week = a.week
cross join (values ('new'), ('returning'), ('resurrecting'), ('dormant')) as s(status)
