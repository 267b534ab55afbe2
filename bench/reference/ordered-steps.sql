-- An ordered funnel of three different steps, no conversion window: a user reaches step k when
-- some step-k hit is at or after the moment they reached step k-1 (the earliest such hit is
-- always the best choice). Per user, one hashed GROUP BY per step over the few matching hits.
with hits as (
  select cookie_id, moment,
         location_stack @> '[{"_type": "RootLocationContext", "id": "home"}]' as s1,
         location_stack @> '[{"_type": "LinkContext", "id": "Quickstart Guide"}]' as s2,
         location_stack @> '[{"_type": "RootLocationContext", "id": "quickstart-guide"}]' as s3
  from (select cookie_id, moment, value::jsonb -> 'location_stack' as location_stack from data offset null) as data
),
step_1 as (
  select cookie_id, min(moment) as t1 from hits where s1 group by cookie_id
),
step_2 as (
  select h.cookie_id, min(h.moment) as t2 from hits as h join step_1 using (cookie_id) where h.s2 and h.moment >= t1 group by h.cookie_id
),
step_3 as (
  select h.cookie_id, count(*) > 0 as reached from hits as h join step_2 using (cookie_id) where h.s3 and h.moment >= t2 group by h.cookie_id
),
counted as (
  select (select count(*) from step_1) as n_1, (select count(*) from step_2) as n_2, (select count(*) from step_3) as n_3
)
select step, n_users,
       case step when 1 then 1.0 when 2 then 1.0 * n_2 / nullif(n_1, 0) else 1.0 * n_3 / nullif(n_2, 0) end::float8 as step_conversion_rate,
       (1.0 * n_users / n_1)::float8 as full_conversion_rate
from counted
cross join lateral (values (1, n_1), (2, n_2), (3, n_3)) as steps(step, n_users)
where n_1 > 0
order by step
