-- map.isConversionEvent: a PressEvent whose stack holds the Quickstart Guide link; only the two fields
-- it reads are taken from the JSON, the type first (cheaper than the containment test).
select event_id,
       v ->> '_type' = 'PressEvent' and v -> 'location_stack' @> '[{"id": "Quickstart Guide", "_type": "LinkContext"}]'
         as is_conversion_event
from (select event_id, value::jsonb as v from data offset null) as data
