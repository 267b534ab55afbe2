-- Objectiv's open model hub (Bach, modelhub 0.0.27 era) on Postgres, as a measurement fixture for
-- `pnpm bench:objectiv`: the SQL Bach emits for modelhub.agg.top_product_features(df)
-- over the whole `data` table: get_objectiv_dataframe() without start_date/end_date (so no date-filter
-- CTE), global_contexts=['application'], time_aggregation '%Y-%m-%d'.
-- The chain up to objectiv_sessionized_data (extraction, context_data, session_starts,
-- session_id_and_count, sessionized data) has the shape of the notebook's display_sql_as_markdown
-- output (open model hub basics); CTE hash suffixes are made up.
-- Derived from modelhub/aggregate.py (top_product_features: application id and the location stack's nice name as
-- columns, InteractiveEvents only via array_contains (@> on Postgres), nunique(user_id) per application, feature
-- and event type, then reset_index / dropna / sort) and modelhub/series/series_objectiv.py (_postgres_nice_name,
-- get_from_context_with_type_series applied to the extracted application column).
WITH "manual_materialize___8db264e0afb7c9cb927ee8ce35bef9e1" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"cookie_id" AS "user_id",
"value"->>'_type' AS "event_type",
cast("value"->>'_types' AS JSONB) AS "stack_event_types",
cast("value"->>'location_stack' AS JSONB) AS "location_stack",
cast("value"->>'time' AS bigint) AS "time",
jsonb_path_query_array(cast("value"->>'global_contexts' AS JSONB), '$[*] ? (@._type == $type)', '{"type":"ApplicationContext"}') AS "application"
FROM "data"
),
"context_data___4ed863194394c39191d7b11ca1e0a1bf" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"application" AS "application"
FROM "manual_materialize___8db264e0afb7c9cb927ee8ce35bef9e1"
),
"session_starts___e3e91bad28193bcea6a185783ca83785" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"application" AS "application",
CASE WHEN (extract(epoch FROM (("moment") - (lag("moment", 1, cast(NULL AS timestamp WITHOUT TIME ZONE)) OVER (PARTITION BY "user_id" ORDER BY "moment" ASC NULLS LAST, "event_id" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)))) <= cast(1800 AS bigint)) THEN cast(NULL AS boolean)
ELSE cast(TRUE AS boolean)
END AS "is_start_of_session"
FROM "context_data___4ed863194394c39191d7b11ca1e0a1bf"
),
"session_id_and_count___0f4b2d2a9c51e7d3a86b5f3e1c7d9024" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"application" AS "application",
"is_start_of_session" AS "is_start_of_session",
CASE WHEN "is_start_of_session" THEN row_number() OVER (PARTITION BY "is_start_of_session" ORDER BY "moment" ASC NULLS LAST, "event_id" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ELSE cast(NULL AS bigint)
END AS "session_start_id",
count("is_start_of_session") OVER (ORDER BY "user_id" ASC NULLS LAST, "moment" ASC NULLS LAST, "event_id" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "is_one_session"
FROM "session_starts___e3e91bad28193bcea6a185783ca83785"
),
"objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"application" AS "application",
"is_start_of_session" AS "is_start_of_session",
"session_start_id" AS "session_start_id",
"is_one_session" AS "is_one_session",
first_value("session_start_id") OVER (PARTITION BY "is_one_session" ORDER BY "moment" ASC NULLS LAST, "event_id" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "session_id",
row_number() OVER (PARTITION BY "is_one_session" ORDER BY "moment" ASC NULLS LAST, "event_id" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "session_hit_number"
FROM "session_id_and_count___0f4b2d2a9c51e7d3a86b5f3e1c7d9024"
),
"reset_index___d4f1a8c6e3b07925d4f1a8c6e3b0a712" AS (
SELECT jsonb_path_query_first("application", '$[*] ? (@._type == $type)', '{"type":"ApplicationContext"}') ->> 'id' AS "__application",
((select string_agg(replace(regexp_replace(value ->> '_type', '([a-z])([A-Z])', '\1 \2', 'g'), ' Context', '') || ': ' || (value ->> 'id'), ' => ') from jsonb_array_elements("location_stack") with ordinality where ordinality = jsonb_array_length("location_stack")) || (case when jsonb_array_length("location_stack") > 1 then ' located at ' || (select string_agg(replace(regexp_replace(value ->> '_type', '([a-z])([A-Z])', '\1 \2', 'g'), ' Context', '') || ': ' || (value ->> 'id'), ' => ') from jsonb_array_elements("location_stack") with ordinality where ordinality < jsonb_array_length("location_stack")) else '' end)) AS "__feature_nice_name",
"event_type" AS "event_type",
count(DISTINCT "user_id") AS "user_id_nunique"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695"
WHERE ("stack_event_types" @> cast('["InteractiveEvent"]' AS JSONB))
GROUP BY jsonb_path_query_first("application", '$[*] ? (@._type == $type)', '{"type":"ApplicationContext"}') ->> 'id',
((select string_agg(replace(regexp_replace(value ->> '_type', '([a-z])([A-Z])', '\1 \2', 'g'), ' Context', '') || ': ' || (value ->> 'id'), ' => ') from jsonb_array_elements("location_stack") with ordinality where ordinality = jsonb_array_length("location_stack")) || (case when jsonb_array_length("location_stack") > 1 then ' located at ' || (select string_agg(replace(regexp_replace(value ->> '_type', '([a-z])([A-Z])', '\1 \2', 'g'), ' Context', '') || ': ' || (value ->> 'id'), ' => ') from jsonb_array_elements("location_stack") with ordinality where ordinality < jsonb_array_length("location_stack")) else '' end)),
"event_type"
),
"dropna___8b3e0f6a2d9c15748b3e0f6a2d9c1e50" AS (
SELECT "__application" AS "application",
"__feature_nice_name" AS "feature_nice_name",
"event_type" AS "event_type",
"user_id_nunique" AS "user_id_nunique"
FROM "reset_index___d4f1a8c6e3b07925d4f1a8c6e3b0a712"
WHERE ("__application" IS NOT NULL) AND ("__feature_nice_name" IS NOT NULL) AND ("event_type" IS NOT NULL) AND ("user_id_nunique" IS NOT NULL)
) SELECT "application" AS "application",
"feature_nice_name" AS "feature_nice_name",
"event_type" AS "event_type",
"user_id_nunique" AS "user_id_nunique"
FROM "dropna___8b3e0f6a2d9c15748b3e0f6a2d9c1e50"
ORDER BY "user_id_nunique" DESC NULLS LAST
