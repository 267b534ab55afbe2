-- Each user's last location (the nice name of the stack of their last event with a non-empty stack,
-- ties on the moment to the greater event_id), counted per location. The last event per user is
-- picked by row_number over a sort that Postgres runs in parallel workers (DISTINCT ON sorted in one
-- process: 10.2 s against 5.1 s on 1M events); the name is built once per distinct stack.
with last_hits as (
  select cookie_id, location_stack
  from (select cookie_id, location_stack, row_number() over (partition by cookie_id order by moment desc, event_id desc) as from_end
        from (select cookie_id, moment, event_id, value::jsonb -> 'location_stack' as location_stack from data offset null) as data
        where jsonb_array_length(location_stack) > 0) as ends
  where from_end = 1
),
named as materialized (
  select location_stack,
         regexp_replace(regexp_replace(coalesce((location_stack -> -1) ->> '_type', ''), '([a-z])([A-Z])', '\1 \2', 'g'), ' Context$', '')
           || coalesce(': ' || ((location_stack -> -1) ->> 'id'), '')
         || coalesce(' located at ' || (
              select string_agg(regexp_replace(regexp_replace(coalesce(c ->> '_type', ''), '([a-z])([A-Z])', '\1 \2', 'g'), ' Context$', '')
           || coalesce(': ' || (c ->> 'id'), ''), ' => ' order by i)
              from jsonb_array_elements(location_stack - -1) with ordinality as e(c, i)), '') as location
  from (select distinct location_stack from last_hits) as stacks
)
select location, count(*) as value_counts
from last_hits join named using (location_stack)
group by location
order by value_counts desc, location collate "C"
