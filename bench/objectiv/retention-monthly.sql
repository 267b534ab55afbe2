-- Objectiv's open model hub (Bach, modelhub 0.0.27 era) on Postgres, as a measurement fixture for
-- `pnpm bench:objectiv`: the SQL Bach emits for modelhub.agg.retention_matrix(df, time_period='monthly', display=False)
-- over the whole `data` table: get_objectiv_dataframe() without start_date/end_date (so no date-filter
-- CTE), global_contexts=['application'], time_aggregation '%Y-%m-%d'.
-- The chain up to objectiv_sessionized_data (extraction, context_data, session_starts,
-- session_id_and_count, sessionized data) has the shape of the notebook's display_sql_as_markdown
-- output (open model hub basics); CTE hash suffixes are made up.
-- Derived from modelhub/aggregate.py (retention_matrix: cohorts = groupby(user_id).moment.min() merged back on user_id,
-- distance = year difference * 12 + month difference from to_char, prefixed '_' as text, nunique(user_id), then
-- unstack) and bach/dataframe.py (unstack: a CASE column per distance value, max per first_cohort, materialized).
-- Bach first runs a separate query for the distance values (not timed here); this fixture holds the columns
-- _0.._8 the sample data has at 1M events (first visits from 2022-03, events until 2022-11; at 50k events the
-- data ends in 2022-07 and _5.._8 stay empty, which costs next to nothing). Monthly periods are calendar
-- months on both sides; no start/end date, so the exclusive end date (docs/semantics.md §S4.3) does not arise.
-- The bench compares it to ours after turning the wide rows into (first_cohort, period, value) rows.
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
"reset_index___3c8f5a1d9e6b24073c8f5a1d9e6b2f41" AS (
SELECT "user_id" AS "user_id",
min("moment") AS "moment"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695"
GROUP BY "user_id"
),
"merge_sql___f07b4e2c8a5d19637f0b4e2c8a5d1c29" AS (
SELECT "l"."user_id" AS "user_id",
"l"."moment" AS "moment",
"r"."moment" AS "first_cohort_ts"
FROM "objectiv_sessionized_data___5c2e81f07a9d4b36e2f1a8c0d3b7e695" AS l
INNER
JOIN "reset_index___3c8f5a1d9e6b24073c8f5a1d9e6b2f41" AS r
ON ("l"."user_id" = "r"."user_id")
),
"reset_index___a9d6c3f0b7e25184a9d6c3f0b7e25e66" AS (
SELECT to_char("first_cohort_ts", 'YYYY"-"MM') AS "first_cohort",
('_' || cast(((((cast(to_char("moment", 'YYYY') AS bigint)) - (cast(to_char("first_cohort_ts", 'YYYY') AS bigint))) * cast(12 AS bigint)) + ((cast(to_char("moment", 'MM') AS bigint)) - (cast(to_char("first_cohort_ts", 'MM') AS bigint)))) AS text)) AS "cohort_distance",
count(DISTINCT "user_id") AS "user_id_nunique"
FROM "merge_sql___f07b4e2c8a5d19637f0b4e2c8a5d1c29"
GROUP BY to_char("first_cohort_ts", 'YYYY"-"MM'),
('_' || cast(((((cast(to_char("moment", 'YYYY') AS bigint)) - (cast(to_char("first_cohort_ts", 'YYYY') AS bigint))) * cast(12 AS bigint)) + ((cast(to_char("moment", 'MM') AS bigint)) - (cast(to_char("first_cohort_ts", 'MM') AS bigint)))) AS text))
),
"unstack___5f2a8d4b0e7c36915f2a8d4b0e7c3a08" AS (
SELECT "first_cohort" AS "first_cohort",
max(CASE WHEN ("cohort_distance" = '_0') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_0__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_1') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_1__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_2') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_2__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_3') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_3__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_4') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_4__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_5') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_5__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_6') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_6__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_7') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_7__user_id_nunique",
max(CASE WHEN ("cohort_distance" = '_8') THEN "user_id_nunique" ELSE cast(NULL AS bigint) END) AS "_8__user_id_nunique"
FROM "reset_index___a9d6c3f0b7e25184a9d6c3f0b7e25e66"
GROUP BY "first_cohort"
) SELECT "first_cohort" AS "first_cohort",
"_0__user_id_nunique" AS "_0",
"_1__user_id_nunique" AS "_1",
"_2__user_id_nunique" AS "_2",
"_3__user_id_nunique" AS "_3",
"_4__user_id_nunique" AS "_4",
"_5__user_id_nunique" AS "_5",
"_6__user_id_nunique" AS "_6",
"_7__user_id_nunique" AS "_7",
"_8__user_id_nunique" AS "_8"
FROM "unstack___5f2a8d4b0e7c36915f2a8d4b0e7c3a08"
ORDER BY "first_cohort" ASC NULLS LAST
