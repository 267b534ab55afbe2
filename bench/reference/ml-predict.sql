-- predictProba per user with the fitted intercept and coefficients ($1, $2, $3): σ(z) without
-- overflow, from the features of ml-fit-iteration.sql.
with users as (
  select cookie_id, count(*)::float8 as n_events,
         (count(*) filter (where event_type = 'PressEvent'))::float8 as n_press
  from (select cookie_id, value::jsonb ->> '_type' as event_type from data) as data
  group by cookie_id
),
linear as (
  select cookie_id, $1::float8 + $2::float8 * n_events + $3::float8 * n_press as z from users offset null
)
select cookie_id::text as user_id,
       case when z >= 0 then 1 / (1 + exp(-least(abs(z), 700))) else exp(-least(abs(z), 700)) / (1 + exp(-least(abs(z), 700))) end
         as probability
from linear
