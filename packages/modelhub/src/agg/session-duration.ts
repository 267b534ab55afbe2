import { invalid, windowed } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { sessionsOf, storedEvents } from '../pipeline/session-keys.ts'
import { type AggregateQuery, aggregate, aggregateResult } from './aggregate-query.ts'
import type { GroupBy } from './group-by.ts'

/** How the durations of a group's sessions are combined. */
export type SessionDurationMethod = 'mean' | 'sum'

export interface SessionDurationOptions {
  readonly groupBy?: GroupBy<Record<string, unknown>>
  /** Leave out sessions that last 0 seconds (one event, or all at one instant); default true. */
  readonly excludeBounces?: boolean
  /** Average (default) or total duration per group. */
  readonly method?: SessionDurationMethod
}

const METHODS: Readonly<Record<SessionDurationMethod, string>> = { mean: 'avg', sum: 'sum' }
/** Key columns that say when a session happened: they are taken from its first event. */
const TIME_COLUMNS: readonly string[] = ['moment', 'day']
/** The per-session duration column between the two steps (not a key anyone groups on). */
const DURATION = '__session_duration'

/**
 * Session duration in seconds (a float: 1 ms is 0.001), averaged or summed per group. A session
 * lasts from its first to its last event; bounces (0 seconds) are left out unless
 * `excludeBounces: false`.
 *
 * Sessions are not split by time (Objectiv's trap: it cut a session at every bucket boundary and
 * counted each piece as a session, so with the full-timestamp bucket every "session" was a bounce
 * and the result was empty). Here a session belongs wholly to the time bucket of its first event:
 * a session from 23:50 to 00:10 is 20 minutes on the first day, and nothing on the second. The
 * same holds for `moment` and `day` as keys. Other key columns group as in Objectiv: a session
 * whose events differ in such a column (event_type, application, …) gives one duration per value,
 * from its first to its last event with that value.
 *
 * Shape: select <keys>, avg(__session_duration) as session_duration from (
 *          select <column keys>, session_id, min(moment) as moment,
 *                 epoch_seconds(max(moment) - min(moment)) as __session_duration
 *          from events group by <column keys>, session_id) as sessions
 *        where __session_duration > 0 group by <keys>
 *   (with column keys that may split a session, the session's start is
 *    min(min(moment)) over (partition by session_id) instead)
 *
 * @example hub.agg.sessionDuration(hub.events(), { groupBy: { timeAggregation: '%Y-%m' }, method: 'sum' })
 * // → [{ time_aggregation: '2021-11', session_duration: 0.005 }, { time_aggregation: '2021-12', session_duration: 0.003 }]
 */
export function sessionDuration<R>(
  hub: HubContext,
  q: Parameters<typeof aggregate>[1],
  options: SessionDurationOptions,
): AggregateQuery<R> {
  const method = options.method ?? 'mean'
  if (!Object.hasOwn(METHODS, method)) invalid('method', method, 'expected "mean" or "sum"')
  const excludeBounces = options.excludeBounces ?? true
  if (typeof excludeBounces !== 'boolean') invalid('excludeBounces', excludeBounces, 'expected true or false')

  const { groupBy } = options
  const items: readonly unknown[] =
    groupBy === undefined || groupBy === null ? [] : Array.isArray(groupBy) ? groupBy : [groupBy]
  const columns = [...new Set(items.filter((item): item is string => typeof item === 'string' && item.length > 0))]
  const splitting = columns.filter((c) => c !== 'session_id' && !TIME_COLUMNS.includes(c))
  const timeColumns = TIME_COLUMNS.filter((c) => c === 'moment' || columns.includes(c))

  // Sessions as groups: over the events pipeline by session key, unless session_id is itself a key.
  const { query, session } = columns.includes('session_id') ? { query: q, session: ['session_id'] } : sessionsOf(q)

  // Per session (and per value of the splitting keys): its start and its duration, from moments
  // as stored unless moment is a key the result returns.
  const sessions = hub.db
    .selectFrom(storedEvents(hub.db, query, columns).as('events'))
    .select((eb: EventsExpressionBuilder) => {
      const first = (column: string): Expression<unknown> => {
        const min = sql`min(${eb.ref(column)})`
        return splitting.length === 0 ? min : windowed(eb, sql`min(${min})`, { partitionBy: [...session] })
      }
      const moment = eb.ref('moment')
      return [
        ...splitting.map((c) => eb.ref(c).as(c)),
        ...session.map((c) => eb.ref(c).as(c)),
        ...timeColumns.map((c) => eb.parens(first(c)).as(c)),
        hub.engine.epochSecondsBetween(sql`min(${moment})`, sql`max(${moment})`).as(DURATION),
      ]
    })
    .groupBy([...splitting, ...session])
  const kept = excludeBounces
    ? hub.db
        .selectFrom(sessions.as('sessions'))
        .selectAll('sessions')
        .where((eb) => eb(eb.ref(DURATION), '>', eb.lit(0)))
    : sessions
  const result = aggregate<R>(hub, kept, groupBy, [], (eb) => ({
    session_duration: sql<number>`${sql.raw(METHODS[method])}(${eb.ref(DURATION)})`,
  }))
  // Without keys SQL gives one row even for no sessions (avg NULL): no sessions give no row.
  if (groupBy !== null) return result
  const rows: AnyQuery = result
  return aggregateResult(rows.where('session_duration', 'is not', null))
}
