-- events(): every column, with Objectiv's sessions (a gap over 30 minutes starts one) numbered
-- over all users in order of their first event.
with hits as (
  select event_id, day, moment, cookie_id as user_id,
         v ->> '_type' as event_type,
         coalesce(v -> '_types', '[]') as stack_event_types,
         v -> 'location_stack' as location_stack,
         coalesce(jsonb_path_query_array(v -> 'global_contexts', '$[*] ? (@._type == "ApplicationContext")'), '[]')
           as application,
         moment - lag(moment) over w <= interval '30 minutes' is not true as is_start,
         row_number() over w as user_hit
  -- OFFSET NULL keeps the subquery, so each value is parsed once, not once per field.
  from (select *, value::jsonb as v from data offset null) as data
  window w as (partition by cookie_id order by moment, event_id)
),
numbered as (
  select *, case when is_start then count(*) filter (where is_start) over (order by moment, event_id) end as start_number
  from hits
)
select event_id, day, moment, event_type, stack_event_types, location_stack, application, user_id,
       max(start_number) over w as session_id,
       user_hit - max(case when is_start then user_hit end) over w + 1 as session_hit_number
from numbered
window w as (partition by user_id order by moment, event_id)
