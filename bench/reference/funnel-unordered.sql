-- Unordered funnel: home page, Quickstart Guide link and a press in any order, all within an hour
-- of the first of them. One row per user and distinct moment with its steps; from each moment with
-- a step, a range window of the next hour says which steps are seen.
with moments as (
  select cookie_id, moment,
         bool_or(v -> 'location_stack' @> '[{"_type": "RootLocationContext", "id": "home"}]') as s1,
         bool_or(v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]') as s2,
         bool_or(v ->> '_type' = 'PressEvent') as s3
  from (select cookie_id, moment, value::jsonb as v from data offset null) as data
  group by cookie_id, moment
),
seen as (
  select cookie_id, s1 or s2 or s3 as starts,
         bool_or(s1) over w::int + bool_or(s2) over w::int + bool_or(s3) over w::int as reached
  from moments
  window w as (partition by cookie_id order by moment range between current row and interval '3600 seconds' following)
),
users as (
  select max(reached) as reached from seen where starts group by cookie_id
),
counted as (
  select count(*) as n1, count(*) filter (where reached >= 2) as n2, count(*) filter (where reached >= 3) as n3
  from users
)
select step, n_users, step_conversion_rate, full_conversion_rate
from counted
cross join lateral (values
  (1, n1, 1.0::float8, 1.0::float8),
  (2, n2, n2::float8 / nullif(n1, 0), n2::float8 / n1),
  (3, n3, n3::float8 / nullif(n2, 0), n3::float8 / n1)
) as steps(step, n_users, step_conversion_rate, full_conversion_rate)
where n1 > 0
