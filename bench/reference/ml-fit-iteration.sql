-- One Newton iteration of the logistic regression fit at weights (-2, 0.01, 0.05): per user the
-- features (events, presses) and label (converted), then in one aggregate the counts, the loss, the
-- gradient and the Hessian's upper triangle. JSON: only the event type and the stack, read once.
with users as (
  select count(*)::float8 as x_0,
         (count(*) filter (where event_type = 'PressEvent'))::float8 as x_1,
         (bool_or(event_type = 'PressEvent' and location_stack @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]'))::int::float8 as y
  from (select cookie_id, v ->> '_type' as event_type, v -> 'location_stack' as location_stack
        from (select cookie_id, value::jsonb as v from data offset null) as data offset null) as data
  group by cookie_id
),
linear as (
  select x_0, x_1, y, -2::float8 + 0.01::float8 * x_0 + 0.05::float8 * x_1 as z from users offset null
),
terms as (
  select x_0, x_1, y, z, exp(-least(abs(z), 700)) as e from linear offset null
),
rows as (
  select x_0, x_1, y,
         (case when z >= 0 then 1 / (1 + e) else e / (1 + e) end) - y as r,
         e / ((1 + e) * (1 + e)) as v,
         ln(1 + e) + greatest(z, 0) - y * z as loss
  from terms
)
select count(*) as n, count(y) as labelled, count(x_0) as present_0, count(x_1) as present_1,
       sum(y) as positives, sum(loss) as loss,
       sum(r) as g_0, sum(r * x_0) as g_1, sum(r * x_1) as g_2,
       sum(v) as h_0_0, sum(v * x_0) as h_0_1, sum(v * x_1) as h_0_2,
       sum(v * x_0 * x_0) as h_1_1, sum(v * x_0 * x_1) as h_1_2, sum(v * x_1 * x_1) as h_2_2
from rows
