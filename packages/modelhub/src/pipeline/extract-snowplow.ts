import { DEFAULT_TIME_ZONE, type Engine } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import { addDays } from '../checks/dates.ts'
import { tableSource } from '../checks/table-name.ts'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'
import type { ExtractOptions } from './extract.ts'
import { identityOf, localDayWindow } from './extract.ts'
import { globalContextType } from './global-context-name.ts'

/** The REPEATED RECORD column Snowplow's BigQuery loader writes for a global context (`application` → …_application_context_1_0_0). */
export const snowplowContextColumn = (name: string): string => `contexts_io_objectiv_context_${name}_context_1_0_0`

/** The REPEATED RECORD column holding the location stack (element 0's `location_stack`, JSON text). */
export const SNOWPLOW_LOCATION_STACK_COLUMN = 'contexts_io_objectiv_location_stack_1_0_0'

/**
 * Objectiv events from the flattened Snowplow table (docs/semantics.md §S1.1, modelhub 0.0.27),
 * as the same columns {@link extractEvents} gives for the `data` table:
 *
 * - `day` = the UTC day of `true_tstamp`, `moment` = `true_tstamp`;
 * - `user_id` = `network_userid`, else `domain_sessionid` (empty strings count as missing);
 * - `event_type` = `se_action`, `stack_event_types` = `se_category` parsed;
 * - `location_stack` = element 0 of the location-stack context, parsed (Snowplow drops `_types`);
 * - one JSON array per requested global context from its REPEATED RECORD column. The records have
 *   no `_type`; it is added (`ApplicationContext`, …) so the contexts equal the objectiv layout's
 *   and `ofType`, matches and identity resolution work unchanged;
 * - the identity from the identity-context column.
 *
 * Snowplow may load an event twice: per event_id the row with the earliest `collector_tstamp` is
 * kept. The date window filters the day of `true_tstamp` (in the hub's time zone) after
 * de-duplication, and also `collector_tstamp` padded by a day each side before it (two outside UTC),
 * so BigQuery prunes the partitions of a table partitioned on `collector_tstamp` (an event collected
 * more than a day after its `true_tstamp` falls out).
 *
 * Shape: select event_id, date(true_tstamp) as day, … from
 *          (select *, row_number() over (partition by event_id order by collector_tstamp) as __occurrence
 *           from events where collector_tstamp >= <start - 1 day> and collector_tstamp < <end + 2 days>) as raw
 *        where __occurrence = 1 and date(true_tstamp) between <start> and <end>
 */
export function extractSnowplowEvents(db: AnyKysely, engine: Engine, options: ExtractOptions): AnyQuery {
  let raw = db
    .selectFrom(tableSource(options.table, 'sp'))
    .selectAll('sp')
    .select(
      sql<number>`row_number() over (partition by ${sql.ref('sp.event_id')} order by ${sql.ref('sp.collector_tstamp')})`.as(
        '__occurrence',
      ),
    )
  // Local days start up to a day away from UTC ones: a day more of padding each side.
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE
  const pad = zone === DEFAULT_TIME_ZONE ? 0 : 1
  if (options.startDate) {
    raw = raw.where('sp.collector_tstamp', '>=', engine.dayStart(addDays(options.startDate, -1 - pad)))
  }
  if (options.endDate) {
    raw = raw.where('sp.collector_tstamp', '<', engine.dayStart(addDays(options.endDate, 2 + pad)))
  }
  const events = localDayWindow(
    db.selectFrom(raw.as('raw')).where('raw.__occurrence', '=', sql.lit(1)),
    engine,
    sql.ref('raw.true_tstamp'),
    zone,
    options,
  )
  const day = engine.dayOf(sql.ref('raw.true_tstamp'))
  return events.select((eb) => {
    const contexts = (name: string) =>
      engine.recordsAsJson(eb.ref(`raw.${snowplowContextColumn(name)}`), { _type: globalContextType(name) })
    return [
      'raw.event_id',
      day.as('day'),
      eb.ref('raw.true_tstamp').as('moment'),
      sql<
        string | null
      >`coalesce(nullif(${eb.ref('raw.network_userid')}, ''), nullif(${eb.ref('raw.domain_sessionid')}, ''))`.as(
        'user_id',
      ),
      eb.ref('raw.se_action').as('event_type'),
      engine.jsonArrayOrEmpty(engine.parseJson(eb.ref('raw.se_category'))).as('stack_event_types'),
      engine
        .parseJson(engine.firstRecordField(eb.ref(`raw.${SNOWPLOW_LOCATION_STACK_COLUMN}`), 'location_stack'))
        .as('location_stack'),
      ...options.globalContexts.map((name) => contexts(name).as(name)),
      ...(options.identityResolution === undefined
        ? []
        : [identityOf(engine, contexts('identity'), options.identityResolution).as('identity')]),
    ]
  })
}
