-- Daily stickiness by hand: how many users were active on exactly N distinct UTC days; the distinct
-- (user, day) pairs hash, where count(distinct) per user would sort every event.
select intervals_active::int as intervals_active, count(*)::int as users
from (
  select cookie_id, count(*) as intervals_active
  from (select distinct cookie_id, moment::date as day from data) as active_days
  group by cookie_id
) as per_user
group by intervals_active
