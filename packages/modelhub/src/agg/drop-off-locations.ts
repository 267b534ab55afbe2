import { invalid, LocationStack, windowed } from '@kysely-modelhub/core'
import { expressionBuilder, type RawBuilder, sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'
import { type GroupBy, groupKeys } from './group-by.ts'
import { hasLocation, type LocationOption, locatedBy, niceNameOfPartText, withLocation } from './location-option.ts'

export interface DropOffLocationsOptions<O, G, P> {
  /** Where the location name comes from (default: the nice name of the whole location stack). */
  readonly locationStack?: LocationOption<O>
  /** Whose last location is counted: 'user_id' (default), a column, a time bucket, an array of them, or null (all events). */
  readonly groupBy?: G
  /** Give each location's share of the groups, ×100, as `percentage` instead of the count `value_counts`. */
  readonly percentage?: P
}

/** A result row: `percentage: true` gives the share, otherwise the count. */
export type DropOffLocationsRow<P> = P extends true
  ? { location: string; percentage: number }
  : { location: string; value_counts: number }

/**
 * Where users leave: the last location of each group (by default each user), counted per
 * location. "Last" is by `moment`; ties on the last moment go to the greater `event_id`, the
 * order sessionization numbers hits in, so the answer never depends on the plan. Events with
 * a NULL location, and groups with a NULL key (anonymous users), are left out. Sorted by the
 * count, largest first, then by location (code-point order).
 *
 * Only the last events get a name, and where the location is a part of the stack only each
 * distinct part of them (lastLocations): which events have a location is asked of the stack (a
 * nice name is NULL exactly when its part is empty), far cheaper than naming every event.
 *
 * Shape: select * from (select location, sum(ends) as value_counts from
 *          (select <nice name of part> as location, ends from
 *            (select <part's JSON text> as part, count(*) as ends from
 *              (select *, row_number() over (partition by <keys> order by moment desc, event_id desc) as __from_end
 *               from (<q>) as events where <keys not null> and <has a location>) as ends
 *             where __from_end = 1 group by part) as parts offset null) as named
 *        group by location) as result order by value_counts desc, location
 *        (a location that is not a part of the stack: count(*) per <location> of the last events)
 *
 * @example hub.agg.dropOffLocations(hub.events(), { percentage: true })
 */
export function dropOffLocations<R>(
  hub: HubContext,
  q: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: options for rows of any columns; the public method checked them against q
  options: DropOffLocationsOptions<any, GroupBy<Record<string, unknown>>, boolean | undefined>,
): AggregateQuery<R> {
  const { percentage = false } = options
  if (typeof percentage !== 'boolean') invalid('percentage', percentage, 'expected true or false')
  const groupBy = options.groupBy === undefined ? 'user_id' : options.groupBy
  const keys = groupKeys(hub, expressionBuilder(), groupBy, [])
  const lastFirst = [
    { by: 'moment', direction: 'desc' },
    { by: 'event_id', direction: 'desc' },
  ] as const
  // Moments and users as stored: the sort compares them without converting each event's, and
  // neither leaves the query (a group key made of them partitions alike).
  const ends = hub.db
    .selectFrom(storedEvents(hub.db, q).as('events'))
    .where((eb) =>
      eb.and([...keys.map((key) => eb(key.expression, 'is not', null)), hasLocation(hub, eb, options.locationStack)]),
    )
    .selectAll('events')
    .select((eb) =>
      windowed(eb, sql<number>`row_number()`, {
        partitionBy: keys.flatMap((key) => hub.engine.groupKey(key.expression).groupBy),
        orderBy: lastFirst,
      }).as('__from_end'),
    )
  const last = hub.db.selectFrom(ends.as('ends')).where('__from_end', '=', 1).selectAll('ends')
  const value = percentage ? 'percentage' : 'value_counts'
  const { rows, ends: endsHere } = lastLocations(hub, last, options.locationStack)
  const counted = hub.db
    .selectFrom(rows.as('events'))
    .groupBy('__location')
    .select((eb) => [
      eb.ref('__location').as('location'),
      (percentage ? sql<number>`100.0 * ${endsHere} / ${windowed(eb, sql`sum(${endsHere})`, {})}` : endsHere).as(value),
    ])
  return aggregateResult(
    typedResult(hub, counted, { [value]: 'number' })
      .orderBy(value, 'desc')
      .orderBy((eb) => hub.engine.codePointOrder(eb.ref('location'))),
  )
}

/**
 * The groups' last events as `__location` rows, and the aggregate that counts the groups ending
 * at each. Where the location is a part of the stack, each distinct part is named once, not each
 * group's (a user's): the last events are counted per part (told apart by its JSON text), and the
 * parts that share a name add up.
 */
function lastLocations(
  hub: HubContext,
  last: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: an option for rows of any columns; the public method checked it against q
  option: LocationOption<any> | undefined,
): { rows: AnyQuery; ends: RawBuilder<number> } {
  const { engine } = hub
  const part = locatedBy(hub, expressionBuilder(), option)
  if (!(part instanceof LocationStack)) {
    return { rows: withLocation(hub, last, option), ends: sql<number>`count(*)` }
  }
  // The part's text as a column first: BigQuery cannot group by an expression holding a subquery.
  const texts = hub.db.selectFrom(last.as('events')).select(engine.jsonText(part).as('__part'))
  const parts = hub.db
    .selectFrom(texts.as('parts'))
    .select(['__part', sql<number>`count(*)`.as('__ends')])
    .groupBy('__part')
  // Computed once (the fence): grouped by and selected above, the name would be built twice.
  const named = engine.computedOnce(
    hub.db
      .selectFrom(parts.as('parts'))
      .select((eb) => [
        niceNameOfPartText(hub, eb.ref('parts.__part')).as('__location'),
        eb.ref('parts.__ends').as('__ends'),
      ]),
  )
  return { rows: named, ends: sql<number>`sum(${sql.ref('__ends')})` }
}
