-- funnelConversion, one funnel: each user's first visit to each location (nice name of the whole
-- stack) by hashed GROUP BYs (user, stack, then user, name) rather than a sort of every event; per
-- user these visits in order of moment (ties by name) each complete their step unless last.
with stack_visits as (
  -- Each user's first moment per distinct stack: hashed, and the JSON is not kept per event.
  select cookie_id, value::jsonb -> 'location_stack' as location_stack, min(moment) as first_moment
  from data
  group by 1, 2
),
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
  from (select distinct location_stack from stack_visits) as stacks
),
-- Stacks that differ only in fields the name leaves out share a name: the first visit is per name.
first_visits as (
  select cookie_id, feature_nice_name as location, min(first_moment) as first_moment
  from stack_visits join named using (location_stack)
  where feature_nice_name is not null
  group by cookie_id, feature_nice_name
),
steps as (
  select location,
         lead(location) over (partition by cookie_id order by first_moment, location collate "C") is not null as completed
  from first_visits
),
per_location as (
  select location, count(*) as n_users, count(*) filter (where completed) as n_users_completed_step
  from steps
  group by location
)
select location, n_users, n_users_completed_step,
       round(1.0 * n_users_completed_step / n_users, 3)::float8 as step_conversion_rate,
       round(1.0 * n_users_completed_step / max(n_users) over (), 3)::float8 as full_conversion_rate,
       round(1.0 * (n_users - n_users_completed_step) / max(n_users) over (), 3)::float8 as dropoff_share
from per_location
order by n_users desc, location collate "C"
