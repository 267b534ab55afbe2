-- Strict funnel: home page, then the Quickstart Guide link, then a press, within an hour, with no
-- other event of the user between two steps. One row per user and distinct moment, saying whether
-- any event then matches each step; a step is at the moment of the step before or the user's next
-- moment, so lead(…, 1) and lead(…, 2) see every way through.
with moments as (
  select cookie_id, moment,
         bool_or(v -> 'location_stack' @> '[{"_type": "RootLocationContext", "id": "home"}]') as s1,
         bool_or(v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]') as s2,
         bool_or(v ->> '_type' = 'PressEvent') as s3
  from (select cookie_id, moment, value::jsonb as v from data offset null) as data
  group by cookie_id, moment
),
ahead as (
  select moment, cookie_id, s1, s2, s3,
         lead(moment, 1) over w as m1, lead(s2, 1) over w as s2_1, lead(s3, 1) over w as s3_1,
         lead(moment, 2) over w as m2, lead(s3, 2) over w as s3_2
  from moments
  window w as (partition by cookie_id order by moment)
),
-- Per start, the earliest moment steps 1..2 and 1..3 can be done by (least skips NULLs).
starts as (
  select cookie_id, moment,
         case when s2 then moment when s2_1 then m1 end as t2,
         least(case when s2 and s3 then moment end, case when s2 and s3_1 then m1 end,
               case when s2_1 and s3_1 then m1 end, case when s2_1 and s3_2 then m2 end) as t3
  from ahead
  where s1
),
users as (
  select max(case when extract(epoch from t3 - moment) <= 3600 then 3
                  when extract(epoch from t2 - moment) <= 3600 then 2 else 1 end) as reached
  from starts
  group by cookie_id
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
