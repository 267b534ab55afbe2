-- Distinct users per (application, feature, event type) of InteractiveEvents, most used first.
with features as (
  select jsonb_path_query_first(v -> 'global_contexts', '$[*] ? (@._type == "ApplicationContext")') ->> 'id' as application,
         v -> 'location_stack' as location_stack, v ->> '_type' as event_type, cookie_id
  from (select cookie_id, value::jsonb as v from data offset null) as data
  where v -> '_types' ? 'InteractiveEvent'
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
)
-- Distinct users per feature: the distinct (feature, user) rows, then a count; both GROUP BYs hash.
select application, feature_nice_name, event_type, count(*) as user_id_nunique
from (select distinct application, feature_nice_name, event_type, cookie_id
      from features join named using (location_stack)
      where application is not null and feature_nice_name is not null and event_type is not null) as used
group by 1, 2, 3
order by 4 desc, application collate "C", feature_nice_name collate "C", event_type collate "C"
