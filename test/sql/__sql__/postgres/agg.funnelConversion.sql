-- agg.funnelConversion on postgres: hub.toSql(query), placeholders kept
-- parameters: none
with
  "raw" as (
    select
      *,
      ("value")::jsonb as "v"
    from
      "data"
    offset
      null
  ),
  "extracted" as (
    select
      "event_id",
      "moment",
      "cookie_id" as "user_id",
      ("v" -> E'location_stack') as "location_stack",
      coalesce(
        jsonb_path_query_array(
          ("v" -> E'global_contexts'),
          E'strict $[*] ? (@."_type" == $v0)'::jsonpath,
          E'{"v0":"ApplicationContext"}'::jsonb,
          true
        ),
        '[]'::jsonb
      ) as "application"
    from
      "raw"
    offset
      null
  ),
  "events" as (
    select
      "event_id",
      "moment",
      "location_stack",
      "application",
      "user_id"
    from
      "extracted"
  ),
  "events_2" as (
    select
      "events".*,
      (
        (
          select
            a.l[cardinality(a.l)] || case
              when cardinality(a.l) > 1 then ' located at ' || array_to_string(a.l[1:cardinality(a.l) - 1], ' => ')
              else ''
            end
          from
            (
              select
                array_agg(
                  (
                    case coalesce(e.value ->> '_type', '')
                      when E'RootLocationContext' then E'Root Location'
                      when E'NavigationContext' then E'Navigation'
                      when E'LinkContext' then E'Link'
                      when E'OverlayContext' then E'Overlay'
                      when E'ContentContext' then E'Content'
                      when E'ExpandableContext' then E'Expandable'
                      when E'PressableContext' then E'Pressable'
                      when E'InputContext' then E'Input'
                      when E'MediaPlayerContext' then E'Media Player'
                      when E'WebDocumentContext' then E'Web Document'
                      when E'SectionContext' then E'Section'
                      when E'ScreenContext' then E'Screen'
                      when E'ButtonContext' then E'Button'
                      when E'ItemContext' then E'Item'
                      when E'ExpandableSectionContext' then E'Expandable Section'
                      else regexp_replace(
                        regexp_replace(
                          coalesce(e.value ->> '_type', ''),
                          '([a-z])([A-Z])',
                          E'\\1 \\2',
                          'g'
                        ),
                        ' Context$',
                        ''
                      )
                    end
                  ) || coalesce(': ' || (e.value ->> 'id'), '')
                  order by
                    e.i
                ) as l
              from
                jsonb_array_elements(
                  jsonb_path_query_first(
                    "location_stack",
                    'strict $ ? (@.type() == "array")'
                  )
                ) with ordinality as e (value, i)
            ) as a
        )
      ) as "__location"
    from
      "events"
  ),
  "visits" as (
    select
      ("application") as "application",
      "user_id",
      "__location" as "location",
      "moment" as "__moment",
      row_number() over (
        partition by
          "user_id",
          "__location"
        order by
          "moment",
          "event_id"
      ) as "__visit"
    from
      "events_2" as "events"
    where
      (
        "user_id" is not null
        and "application" is not null
      )
  ),
  "steps" as (
    select
      "application",
      "location",
      lead("location") over (
        partition by
          "application",
          "user_id"
        order by
          "__moment",
          (("location") collate "C")
      ) as "__next"
    from
      "visits"
    where
      case
        when "location" is null then 0
        else "__visit"
      end = 1
  ),
  "steps_2" as (
    select
      "application",
      "location",
      count(*) as "n_users",
      count("__next") as "n_users_completed_step"
    from
      "steps"
    group by
      "application",
      "location"
  ),
  "result" as (
    select
      "application",
      "location",
      "n_users",
      "n_users_completed_step",
      round(1.0 * ("n_users_completed_step") / ("n_users"), 3) as "step_conversion_rate",
      round(
        1.0 * ("n_users_completed_step") / (
          max("n_users") over (
            partition by
              "application"
          )
        ),
        3
      ) as "full_conversion_rate",
      round(
        1.0 * ("n_users" - "n_users_completed_step") / (
          max("n_users") over (
            partition by
              "application"
          )
        ),
        3
      ) as "dropoff_share"
    from
      "steps_2" as "steps"
  )
select
  "application",
  "location",
  ("n_users")::float8 as "n_users",
  ("n_users_completed_step")::float8 as "n_users_completed_step",
  ("step_conversion_rate")::float8 as "step_conversion_rate",
  ("full_conversion_rate")::float8 as "full_conversion_rate",
  ("dropoff_share")::float8 as "dropoff_share"
from
  "result"
order by
  "application",
  "n_users" desc,
  (("location") collate "C")
