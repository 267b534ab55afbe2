select to_char(moment, 'YYYY-MM-DD') as time_aggregation, count(distinct cookie_id) as unique_users
from data
group by 1
