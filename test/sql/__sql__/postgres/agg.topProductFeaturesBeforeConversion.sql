-- agg.topProductFeaturesBeforeConversion on postgres: hub.toSql(query), placeholders kept
-- parameters:
--   $1 = "PressEvent"
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
      ("v" ->> E'_type') as "event_type",
      coalesce(("v" -> E'_types'), '[]'::jsonb) as "stack_event_types",
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
  "flagged" as (
    select
      "extracted".*,
      coalesce("event_type" = $1, false) as "__conversion_1",
      coalesce(
        ("stack_event_types") @> E'["InteractiveEvent"]'::jsonb,
        false
      ) as "__event_feature_type",
      (("application" -> (0)) ->> E'id') as "__event_application_id"
    from
      "extracted"
    offset
      null
  ),
  "starts" as (
    select
      "flagged".*,
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
      "flagged"
  ),
  "sessions" as (
    select
      "moment",
      "event_type",
      "location_stack",
      "__conversion_1",
      "__event_feature_type",
      "__event_application_id",
      "user_id",
      sum(
        case
          when "is_start" then 1
          else 0
        end
      ) over (
        partition by
          "user_id"
        order by
          "moment",
          "event_id" rows between unbounded preceding
          and current row
      ) as "__user_session"
    from
      "starts"
  ),
  "events" as (
    select
      "moment",
      "event_type",
      "location_stack",
      "user_id",
      "user_id" as "__session_user",
      "__user_session",
      "__conversion_1",
      "__event_feature_type",
      "__event_application_id"
    from
      "sessions"
  ),
  "events_2" as (
    select
      "events".*,
      sum(
        case
          when "__conversion_1" then 1
          else 0
        end
      ) over (
        partition by
          "__session_user",
          "__user_session"
      ) as "__converted",
      min(
        case
          when "__conversion_1" then "moment"
        end
      ) over (
        partition by
          "__session_user",
          "__user_session"
      ) as "__first_conversion"
    from
      "events"
  ),
  "features" as (
    select
      "__event_application_id" as "application",
      ("location_stack") as "__stack_part",
      "event_type",
      "user_id"
    from
      "events_2" as "events"
    where
      (
        (
          "__converted" > 0
          and coalesce(
            "moment" < "__first_conversion",
            "moment" is not null
          )
        )
        and "__event_feature_type"
      )
  ),
  "pairs" as (
    select
      "application",
      "event_type",
      "user_id",
      ("__stack_part")::text as "__stack_part"
    from
      "features"
    group by
      "application",
      "event_type",
      "user_id",
      ("__stack_part")::text
  ),
  "parts" as (
    select
      "application",
      "event_type",
      "__stack_part",
      count("user_id") as "users_n",
      array_agg("user_id") filter (
        where
          "user_id" is not null
      ) as "users"
    from
      "pairs"
    group by
      "application",
      "event_type",
      "__stack_part"
  ),
  "named" as (
    select
      "application",
      "event_type",
      "users_n",
      "users",
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
                  ("__stack_part")::jsonb,
                  'strict $ ? (@.type() == "array")'
                )
              ) with ordinality as e (value, i)
          ) as a
      ) as "feature_nice_name"
    from
      "parts"
    offset
      null
  ),
  "named_2" as (
    select
      "named".*,
      count(*) over (
        partition by
          "application",
          "feature_nice_name",
          "event_type"
      ) as "sharing"
    from
      "named"
  ),
  "result" as (
    select
      "named"."application",
      "named"."feature_nice_name",
      "named"."event_type",
      case
        when max("named"."sharing") = 1 then max("named"."users_n")
        else count(distinct "user_id")
      end as "unique_users"
    from
      "named_2" as "named"
      left join unnest(
        case
          when "named"."sharing" > 1 then "named"."users"
        end
      ) as "user_id" on true
    group by
      "named"."application",
      "named"."feature_nice_name",
      "named"."event_type"
  ),
  "result_2" as (
    select
      "application",
      "feature_nice_name",
      "event_type",
      ("unique_users")::float8 as "unique_users"
    from
      "result"
    offset
      null
  )
select
  "result".*
from
  "result_2" as "result"
where
  (
    "application" is not null
    and "feature_nice_name" is not null
    and "event_type" is not null
  )
order by
  "unique_users" desc,
  (("application") collate "C"),
  (("feature_nice_name") collate "C"),
  (("event_type") collate "C")
