-- Daily stickiness by hand: how many users were active on exactly N distinct UTC days.
select intervals_active::int as intervals_active, count(*)::int as users
from (
  select cookie_id, count(distinct moment::date) as intervals_active
  from data
  where cookie_id is not null
  group by cookie_id
) as per_user
group by intervals_active
