import { type CalendarUnit, parseTimeFormat } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { chronologicalPeriod } from '../map/time-agg.ts'
import {
  PREVIOUS_MOMENT,
  SESSION_START,
  STORED,
  sessionsOf,
  storedEvents,
  withSessionStarts,
} from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult, countDistinct } from './aggregate-query.ts'
import { type GroupBy, groupByColumns } from './group-by.ts'

/**
 * Distinct sessions per group. A session counts in every group it has events in, like users in
 * `uniqueUsers`: with daily buckets, a session running past midnight counts on both days.
 * Sessions of anonymous users (user_id NULL) count too.
 *
 * Over the events pipeline a session is told apart by its key (its user before anonymization and
 * its number within that user), not by session_id: the same groups, without the global numbering
 * and its sort of every event.
 *
 * Shape: select <keys>, count(*) as unique_sessions
 *        from (select <keys>, <session> from events group by <keys>, <session>) as pairs group by <keys>
 * (over every row of the pipeline, by UTC years, months or days: sessionsPerPeriod)
 *
 * @example hub.agg.uniqueSessions(hub.events(), { groupBy: { timeAggregation: '%Y-%m' } })
 * // → [{ time_aggregation: '2021-11', unique_sessions: 3 }, { time_aggregation: '2021-12', unique_sessions: 4 }]
 */
export function uniqueSessions<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  const bucket = utcPeriods(hub, groupBy)
  const starts = bucket && withSessionStarts(q)
  if (bucket && starts) return sessionsPerPeriod<R>(hub, starts, bucket)
  const { query, session } = sessionsOf(q)
  const stored = storedEvents(hub.db, query, groupByColumns(groupBy))
  return countDistinct<R>(hub, stored, groupBy, session as [string, ...string[]], 'unique_sessions', ['session_id'])
}

interface Periods {
  readonly unit: CalendarUnit
  readonly format: string
}

/** A grouping by one time bucket naming whole UTC periods (time-agg.ts, chronologicalPeriod); else undefined. */
function utcPeriods(hub: HubContext, groupBy: GroupBy<Record<string, unknown>>): Periods | undefined {
  const item: unknown =
    groupBy === undefined
      ? { timeAggregation: hub.timeAggregation }
      : Array.isArray(groupBy)
        ? groupBy.length === 1 && groupBy[0]
        : groupBy
  if (!item || typeof item !== 'object') return undefined
  const { timeAggregation: format, timeZone = hub.timeZone } = item as { timeAggregation?: unknown; timeZone?: unknown }
  const unit = typeof format === 'string' ? chronologicalPeriod(timeZone, format) : undefined
  return unit && { unit, format: format as string }
}

/**
 * Sessions per UTC period over every row of the pipeline, in the pass that finds the sessions: a
 * session counts in a period at its first hit there, which starts the session or follows a hit
 * (the user's previous, in the same session) of an earlier period. Such periods follow time, so
 * a session never comes back to one.
 *
 * Shape: select <period's label>, count(*) as unique_sessions from (
 *          select <period of moment> as time_aggregation from events
 *          where <starts a session> or <period of the previous moment> <> <period of moment>
 *        ) as firsts group by time_aggregation
 */
function sessionsPerPeriod<R>(hub: HubContext, starts: AnyQuery, { unit, format }: Periods): AggregateQuery<R> {
  // Keys of the stored moment's own type, compared with each other and then formatted.
  const period = (moment: Expression<unknown>) => hub.engine.periodKey(moment, unit)
  const firsts = hub.db
    .selectFrom(starts.as('events'))
    .select((eb) => period(eb.ref(STORED.moment)).as('time_aggregation'))
    .where((eb) =>
      eb.or([
        sql<boolean>`${eb.ref(SESSION_START)}`,
        eb(period(eb.ref(PREVIOUS_MOMENT)), '<>', period(eb.ref(STORED.moment))),
      ]),
    )
  // As in countDistinct: GROUP BY time_aggregation is the period or its label, the same groups.
  const counted = hub.db
    .selectFrom(firsts.as('firsts'))
    .select((eb) => [
      hub.engine.timeFormat(eb.ref('time_aggregation'), parseTimeFormat(format)).as('time_aggregation'),
      sql<number>`count(*)`.as('unique_sessions'),
    ])
    .groupBy('time_aggregation')
  return aggregateResult(typedResult(hub, counted, { unique_sessions: 'number' }))
}
