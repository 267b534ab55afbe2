-- Objectiv's open model hub (Bach, modelhub 0.0.27 era) on Postgres, as a measurement fixture for
-- `pnpm bench:objectiv`: the SQL Bach emits for modelhub.agg.unique_sessions(df)
-- over the whole `data` table: get_objectiv_dataframe() without start_date/end_date (so no date-filter
-- CTE), global_contexts=['application'], time_aggregation '%Y-%m-%d'.
-- The chain up to objectiv_sessionized_data (extraction, context_data, session_starts,
-- session_id_and_count, sessionized data) has the shape of the notebook's display_sql_as_markdown
-- output (open model hub basics); CTE hash suffixes are made up.
-- Derived from modelhub/aggregate.py (_generic_aggregation: groupby time_agg, nunique(session_id)); the use_only_required_objectiv_series
-- decorator only narrows the final SELECT, the pipeline CTEs stay as they are.
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
) SELECT to_char("moment", 'YYYY"-"MM"-"DD') AS "time_aggregation",
count(DISTINCT "session_id") AS "unique_sessions"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695"
GROUP BY to_char("moment", 'YYYY"-"MM"-"DD')
