-- Objectiv's open model hub (Bach, modelhub 0.0.27 era) on Postgres, as a measurement fixture for
-- `pnpm bench:objectiv`: the SQL Bach emits for modelhub.add_conversion_event(location_stack=df.location_stack.json[{'id': 'Quickstart Guide', '_type': 'LinkContext'}:],
--   event_type='PressEvent', name='quickstart_presses'); df['conversions_in_time'] = modelhub.map.conversions_in_time(df, 'quickstart_presses'); df
-- over the whole `data` table: get_objectiv_dataframe() without start_date/end_date (so no date-filter
-- CTE), global_contexts=['application'], time_aggregation '%Y-%m-%d'.
-- The chain up to objectiv_sessionized_data (extraction, context_data, session_starts,
-- session_id_and_count, sessionized data) has the shape of the notebook's display_sql_as_markdown
-- output (open model hub basics); CTE hash suffixes are made up.
-- Derived from modelhub/map.py (_calculate_is_conversion_event, _calculate_conversions_in_time: a counter column,
-- sum over session_id ordered by moment, materialized as conversions_in_time_calculation, merged back on event_id)
-- and the notebook's conversions_in_time_calculat CTE. The stack and the event type come from the same node
-- here, so Bach writes the condition inline instead of the notebook's extra FULL OUTER merge.
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
"conversions_in_time_calculat___c8d27f5e0b9a4136a7e2d5c08f1b94e3" AS (
SELECT "event_id" AS "event_id",
"moment" AS "moment",
"event_type" AS "event_type",
"session_id" AS "session_id",
(((jsonb_array_length(coalesce((SELECT jsonb_agg(x.value) FROM jsonb_array_elements("location_stack") WITH ORDINALITY x WHERE ORDINALITY - 1 >= (SELECT min(CASE WHEN ('{"id": "Quickstart Guide", "_type": "LinkContext"}'::JSONB) <@ value THEN ORDINALITY END) -1 FROM jsonb_array_elements("location_stack") WITH ORDINALITY)), '[]'::JSONB)) > cast(0 AS bigint))) AND (("event_type" = 'PressEvent'))) AS "__is_conversion_event",
CASE WHEN (((jsonb_array_length(coalesce((SELECT jsonb_agg(x.value) FROM jsonb_array_elements("location_stack") WITH ORDINALITY x WHERE ORDINALITY - 1 >= (SELECT min(CASE WHEN ('{"id": "Quickstart Guide", "_type": "LinkContext"}'::JSONB) <@ value THEN ORDINALITY END) -1 FROM jsonb_array_elements("location_stack") WITH ORDINALITY)), '[]'::JSONB)) > cast(0 AS bigint))) AND (("event_type" = 'PressEvent'))) THEN cast(1 AS bigint)
ELSE cast(0 AS bigint)
END AS "__conversion_counter",
cast(sum(CASE WHEN (((jsonb_array_length(coalesce((SELECT jsonb_agg(x.value) FROM jsonb_array_elements("location_stack") WITH ORDINALITY x WHERE ORDINALITY - 1 >= (SELECT min(CASE WHEN ('{"id": "Quickstart Guide", "_type": "LinkContext"}'::JSONB) <@ value THEN ORDINALITY END) -1 FROM jsonb_array_elements("location_stack") WITH ORDINALITY)), '[]'::JSONB)) > cast(0 AS bigint))) AND (("event_type" = 'PressEvent'))) THEN cast(1 AS bigint) ELSE cast(0 AS bigint) END) OVER (PARTITION BY "session_id" ORDER BY "session_id" ASC NULLS LAST, "moment" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bigint) AS "__conversions_in_time"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695"
),
"merge_sql___6b0f3e8d2a17c95e4d8a0b3f7c2e1d96" AS (
SELECT COALESCE("l"."event_id", "r"."event_id") AS "event_id",
"l"."day" AS "day",
"l"."moment" AS "moment",
"l"."user_id" AS "user_id",
"l"."location_stack" AS "location_stack",
"l"."event_type" AS "event_type",
"l"."stack_event_types" AS "stack_event_types",
"l"."session_id" AS "session_id",
"l"."session_hit_number" AS "session_hit_number",
"l"."application" AS "application",
"r"."__conversions_in_time" AS "conversions_in_time"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695" AS l
LEFT
JOIN "conversions_in_time_calculat___c8d27f5e0b9a4136a7e2d5c08f1b94e3" AS r
ON ("l"."event_id" = "r"."event_id")
) SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"session_id" AS "session_id",
"session_hit_number" AS "session_hit_number",
"application" AS "application",
"conversions_in_time" AS "conversions_in_time"
FROM "merge_sql___6b0f3e8d2a17c95e4d8a0b3f7c2e1d96"
