-- Each user's 3-step paths through the nice names of their locations, counted per path. A user's
-- last event starts no path unless it is their only one.
with features as (
  select cookie_id, moment, event_id, value::jsonb -> 'location_stack' as location_stack from data
),
-- The nice name ('Link: x located at Root Location: home => …') once per distinct stack, not per event.
named as materialized (
  select location_stack,
         case when jsonb_array_length(location_stack) > 0 then
           regexp_replace(regexp_replace(coalesce((location_stack -> -1) ->> '_type', ''), '([a-z])([A-Z])', '\1 \2', 'g'), ' Context$', '')
             || coalesce(': ' || ((location_stack -> -1) ->> 'id'), '')
           || coalesce(' located at ' || (
                select string_agg(regexp_replace(regexp_replace(coalesce(c ->> '_type', ''), '([a-z])([A-Z])', '\1 \2', 'g'), ' Context$', '')
             || coalesce(': ' || (c ->> 'id'), ''), ' => ' order by i)
                from jsonb_array_elements(location_stack - -1) with ordinality as e(c, i)), '')
         end as feature_nice_name
  from (select distinct location_stack from features) as stacks
),
paths as (
  select feature_nice_name as location_stack_step_1,
         lead(feature_nice_name, 1) over w as location_stack_step_2,
         lead(feature_nice_name, 2) over w as location_stack_step_3,
         row_number() over w as n
  from features join named using (location_stack)
  where feature_nice_name is not null
  window w as (partition by cookie_id order by moment, feature_nice_name collate "C", event_id)
)
select location_stack_step_1, location_stack_step_2, location_stack_step_3, count(*) as paths
from paths
where n = 1 or location_stack_step_2 is not null
group by 1, 2, 3
