-- agg.dropOffLocations on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = 1
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
  "ends" as (
    select
      "extracted".*,
      row_number() over (
        partition by
          "application"
        order by
          "moment" desc,
          "event_id" desc
      ) as "__from_end"
    from
      "extracted"
    where
      (
        "application" is not null
        and (
          coalesce(
            jsonb_array_length(
              jsonb_path_query_first(
                "location_stack",
                'strict $ ? (@.type() == "array")'
              )
            ),
            0
          ) > 0
        )
      )
  ),
  "events" as (
    select
      "ends".*
    from
      "ends"
    where
      "__from_end" = $1
  ),
  "parts" as (
    select
      ("location_stack")::text as "__part"
    from
      "events"
  ),
  "parts_2" as (
    select
      "__part",
      count(*) as "__ends"
    from
      "parts"
    group by
      "__part"
  ),
  "events_2" as (
    select
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
                  ("__part")::jsonb,
                  'strict $ ? (@.type() == "array")'
                )
              ) with ordinality as e (value, i)
          ) as a
      ) as "__location",
      "__ends"
    from
      "parts_2" as "parts"
    offset
      null
  ),
  "result" as (
    select
      "__location" as "location",
      100.0 * sum("__ends") / sum(sum("__ends")) over () as "percentage"
    from
      "events_2" as "events"
    group by
      "__location"
  )
select
  "location",
  ("percentage")::float8 as "percentage"
from
  "result"
order by
  "percentage" desc,
  (("location") collate "C")
