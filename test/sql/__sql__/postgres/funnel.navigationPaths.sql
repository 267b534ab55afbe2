-- funnel.navigationPaths on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = 0
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
      ("v" -> E'location_stack') as "location_stack"
    from
      "raw"
    offset
      null
  ),
  "starts" as (
    select
      "extracted".*,
      case
        when ("moment") - (
          lag("moment") over (
            partition by
              "user_id"
            order by
              "moment",
              "event_id"
          )
        ) <= 1800 * interval '1 second' then false
        else true
      end as "is_start"
    from
      "extracted"
  ),
  "numbered" as (
    select
      "starts".*,
      case
        when "is_start" then sum(
          case
            when "is_start" then 1
            else 0
          end
        ) over (
          order by
            "moment",
            "event_id" rows between unbounded preceding
            and current row
        )
      end as "start_number"
    from
      "starts"
  ),
  "sessions" as (
    select
      "event_id",
      "moment",
      "location_stack",
      max("start_number") over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) as "session_id"
    from
      "numbered"
  ),
  "events" as (
    select
      "event_id",
      (
        (timestamp 'epoch' + (("moment") - 'epoch')) at time zone 'UTC'
      ) as "moment",
      "location_stack",
      ("session_id")::float8 as "session_id"
    from
      "sessions"
  ),
  "events_2" as (
    select
      "session_id" as "__by_0",
      "moment" as "__sort",
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
      ) as "__step",
      "event_id" as "__event_id"
    from
      "events"
    offset
      null
  ),
  "paths" as (
    select
      "__by_0",
      ("__step") as "location_stack_step_1",
      (
        lead("__step", 1) over (
          partition by
            "__by_0"
          order by
            "__sort",
            (("__step") collate "C"),
            "__event_id"
        )
      ) as "location_stack_step_2",
      (
        lead("__step", 2) over (
          partition by
            "__by_0"
          order by
            "__sort",
            (("__step") collate "C"),
            "__event_id"
        )
      ) as "location_stack_step_3",
      row_number() over (
        partition by
          "__by_0"
        order by
          "__sort",
          (("__step") collate "C"),
          "__event_id"
      ) - 1 as "__offset"
    from
      "events_2" as "events"
    where
      (
        "__step" is not null
        and "__by_0" is not null
      )
  ),
  "result" as (
    select
      "__by_0" as "session_id",
      "location_stack_step_1",
      "location_stack_step_2",
      "location_stack_step_3",
      "__offset"
    from
      "paths"
    where
      (
        "__offset" = $1
        or "location_stack_step_2" is not null
      )
  )
select
  "session_id",
  "location_stack_step_1",
  "location_stack_step_2",
  "location_stack_step_3"
from
  "result"
order by
  "session_id",
  "__offset"
