-- Objectiv's open model hub (Bach, modelhub 0.0.27 era) on Postgres, as a measurement fixture for
-- `pnpm bench:objectiv`: the SQL Bach emits for modelhub.agg.unique_users(df[df.is_new_user_month & df.is_twice_converted])
-- over the whole `data` table: get_objectiv_dataframe() without start_date/end_date (so no date-filter
-- CTE), global_contexts=['application'], time_aggregation '%Y-%m-%d'.
-- The chain up to objectiv_sessionized_data (extraction, context_data, session_starts,
-- session_id_and_count, sessionized data) has the shape of the notebook's display_sql_as_markdown
-- output (open model hub basics); CTE hash suffixes are made up.
-- Derived from the notebook's SQL for new_user_share, which holds this cell's whole df; df is the notebook's df at that point: is_new_user (daily), conversion_events, is_new_user_month and
-- is_twice_converted set as columns, so their manual_materialize / merge_sql CTEs are in the query even
-- where the answer does not read them (Bach keeps every column of the df's node).
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
"manual_materialize___2f7d1c9e4b83a05d6e91f2c4a7b0d853" AS (
SELECT "event_id" AS "event_id",
(min("session_id") OVER (PARTITION BY to_char("moment", 'YYYY"-"MM"-"DD'), "user_id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) = min("session_id") OVER (PARTITION BY "user_id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS "is_new_user"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695"
),
"merge_sql___a4e92b07d1f3c6854b2e0d9a7f1c3e68" AS (
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
"r"."is_new_user" AS "is_new_user"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695" AS l
LEFT
JOIN "manual_materialize___2f7d1c9e4b83a05d6e91f2c4a7b0d853" AS r
ON ("l"."event_id" = "r"."event_id")
),
"manual_materialize___5d0b8e3f2a6c19d74e8f0a2b5c3d7e91" AS (
SELECT "event_id" AS "event_id",
(min("session_id") OVER (PARTITION BY to_char("moment", 'YYYY"-"MM'), "user_id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) = min("session_id") OVER (PARTITION BY "user_id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS "is_new_user"
FROM "merge_sql___a4e92b07d1f3c6854b2e0d9a7f1c3e68"
),
"merge_sql___e18c4a2f7b9d03e6a5c1f8d2b4e7a039" AS (
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
"l"."is_new_user" AS "is_new_user",
(((jsonb_array_length(coalesce((SELECT jsonb_agg(x.value) FROM jsonb_array_elements("l"."location_stack") WITH ORDINALITY x WHERE ORDINALITY - 1 >= (SELECT min(CASE WHEN ('{"id": "Quickstart Guide", "_type": "LinkContext"}'::JSONB) <@ value THEN ORDINALITY END) -1 FROM jsonb_array_elements("l"."location_stack") WITH ORDINALITY)), '[]'::JSONB)) > cast(0 AS bigint))) AND (("l"."event_type" = 'PressEvent'))) AS "conversion_events",
"r"."is_new_user" AS "is_new_user_month"
FROM "merge_sql___a4e92b07d1f3c6854b2e0d9a7f1c3e68" AS l
LEFT
JOIN "manual_materialize___5d0b8e3f2a6c19d74e8f0a2b5c3d7e91" AS r
ON ("l"."event_id" = "r"."event_id")
),
"merge_sql___7c3f9a1e5d2b8046c9e3a7f1d0b5c284" AS (
SELECT COALESCE("l"."event_id", "r"."event_id") AS "event_id",
(jsonb_array_length(coalesce((SELECT jsonb_agg(x.value) FROM jsonb_array_elements("l"."location_stack") WITH ORDINALITY x WHERE ORDINALITY - 1 >= (SELECT min(CASE WHEN ('{"id": "Quickstart Guide", "_type": "LinkContext"}'::JSONB) <@ value THEN ORDINALITY END) -1 FROM jsonb_array_elements("l"."location_stack") WITH ORDINALITY)), '[]'::JSONB)) > cast(0 AS bigint)) AS "location_stack",
("r"."event_type" = 'PressEvent') AS "event_type"
FROM "merge_sql___a4e92b07d1f3c6854b2e0d9a7f1c3e68" AS l
FULL OUTER
JOIN "merge_sql___e18c4a2f7b9d03e6a5c1f8d2b4e7a039" AS r
ON ("l"."event_id" = "r"."event_id")
),
"merge_sql___b96e2d4a0c7f3e158d2a6c9e4f1b7a30" AS (
SELECT COALESCE("l"."event_id", "r"."event_id") AS "event_id",
"l"."moment" AS "moment",
"l"."event_type" AS "event_type",
"l"."session_id" AS "session_id",
(("r"."location_stack") AND ("r"."event_type")) AS "__is_conversion_event"
FROM "merge_sql___e18c4a2f7b9d03e6a5c1f8d2b4e7a039" AS l
LEFT
JOIN "merge_sql___7c3f9a1e5d2b8046c9e3a7f1d0b5c284" AS r
ON ("l"."event_id" = "r"."event_id")
),
"conversions_in_time_calculat___0e5a8c2d6f1b9e374a0d8c5f2e6b1a97" AS (
SELECT "event_id" AS "event_id",
"moment" AS "moment",
"event_type" AS "event_type",
"session_id" AS "session_id",
"__is_conversion_event" AS "__is_conversion_event",
CASE WHEN "__is_conversion_event" THEN cast(1 AS bigint)
ELSE cast(0 AS bigint)
END AS "__conversion_counter",
cast(sum(CASE WHEN "__is_conversion_event" THEN cast(1 AS bigint) ELSE cast(0 AS bigint) END) OVER (PARTITION BY "session_id" ORDER BY "session_id" ASC NULLS LAST, "moment" ASC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bigint) AS "__conversions_in_time"
FROM "merge_sql___b96e2d4a0c7f3e158d2a6c9e4f1b7a30"
),
"merge_sql___d2a7f0c5e9b4138a6f2d0e7c3b9a5f14" AS (
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
"l"."is_new_user" AS "is_new_user",
"l"."conversion_events" AS "conversion_events",
"l"."is_new_user_month" AS "is_new_user_month",
("r"."__conversions_in_time" = cast(2 AS bigint)) AS "is_twice_converted"
FROM "merge_sql___e18c4a2f7b9d03e6a5c1f8d2b4e7a039" AS l
LEFT
JOIN "conversions_in_time_calculat___0e5a8c2d6f1b9e374a0d8c5f2e6b1a97" AS r
ON ("l"."event_id" = "r"."event_id")
),
"getitem_where_boolean___9c5e3b1f7a0d26849c5e3b1d7f0a4c82" AS (
SELECT "event_id" AS "event_id",
"day" AS "day",
"moment" AS "moment",
"user_id" AS "user_id",
"location_stack" AS "location_stack",
"event_type" AS "event_type",
"stack_event_types" AS "stack_event_types",
"session_id" AS "session_id",
"session_hit_number" AS "session_hit_number",
"application" AS "application",
"is_new_user" AS "is_new_user",
"conversion_events" AS "conversion_events",
"is_new_user_month" AS "is_new_user_month",
"is_twice_converted" AS "is_twice_converted"
FROM "merge_sql___d2a7f0c5e9b4138a6f2d0e7c3b9a5f14"
WHERE (("is_new_user_month") AND ("is_twice_converted"))
) SELECT to_char("moment", 'YYYY"-"MM"-"DD') AS "time_aggregation",
count(DISTINCT "user_id") AS "unique_users"
FROM "getitem_where_boolean___9c5e3b1f7a0d26849c5e3b1d7f0a4c82"
GROUP BY to_char("moment", 'YYYY"-"MM"-"DD')
