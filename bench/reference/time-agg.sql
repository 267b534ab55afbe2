-- map.timeAgg with the hub's daily format: each event's UTC day as text.
select event_id, to_char(moment, 'YYYY-MM-DD') as time_aggregation
from data
