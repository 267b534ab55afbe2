-- topProductFeatures over the hits of converting sessions before the session's first conversion
-- (a PressEvent in the Quickstart Guide link); hits at the moment of that conversion are not before it.
with hits as (
  select cookie_id, moment, event_id, application, location_stack, event_type, interactive, converts,
         moment - lag(moment) over w <= interval '30 minutes' is not true as is_start
  from (select cookie_id, moment, event_id,
               jsonb_path_query_first(v -> 'global_contexts', '$[*] ? (@._type == "ApplicationContext")') ->> 'id' as application,
               v -> 'location_stack' as location_stack, v ->> '_type' as event_type,
               coalesce(v -> '_types' ? 'InteractiveEvent', false) as interactive,
               v ->> '_type' = 'PressEvent'
                 and v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]' as converts
        -- OFFSET NULL twice: the JSON is parsed once, and the sort carries the extracted fields, not the JSON.
        from (select cookie_id, moment, event_id, value::jsonb as v from data offset null) as data offset null) as data
  window w as (partition by cookie_id order by moment, event_id)
),
sessions as (
  select *, count(*) filter (where is_start) over (partition by cookie_id order by moment, event_id) as session
  from hits
),
marked as (
  select *, min(moment) filter (where converts) over (partition by cookie_id, session) as converted_at
  from sessions
),
features as (
  select application, location_stack, event_type, cookie_id
  from marked
  where interactive and moment < converted_at
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
select application, feature_nice_name, event_type, count(*) as unique_users
from (select distinct application, feature_nice_name, event_type, cookie_id
      from features join named using (location_stack)
      where application is not null and feature_nice_name is not null and event_type is not null) as used
group by 1, 2, 3
order by 4 desc, application collate "C", feature_nice_name collate "C", event_type collate "C"
