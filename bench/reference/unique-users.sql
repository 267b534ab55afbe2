-- Users per day: the distinct (day, user) pairs, then a count per day; both GROUP BYs hash, where
-- count(distinct) would sort every event.
select time_aggregation, count(*) as unique_users
from (select distinct to_char(moment, 'YYYY-MM-DD') as time_aggregation, cookie_id from data) as active
group by time_aggregation
