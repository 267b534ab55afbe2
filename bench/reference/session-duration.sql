-- Mean duration of the sessions that last longer than 0 s, by the day each session starts.
with starts as (
  select cookie_id, moment, event_id, moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select min(moment) as started, extract(epoch from max(moment) - min(moment))::float8 as seconds
  from (select cookie_id, moment, count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id) as session
        from starts) as s
  group by cookie_id, session
)
select to_char(started, 'YYYY-MM-DD') as time_aggregation, avg(seconds) as session_duration
from sessions
where seconds > 0
group by 1
