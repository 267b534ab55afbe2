import type { CalendarUnit } from '@kysely-modelhub/core'
import { expressionBuilder, sql } from 'kysely'
import { choiceOf } from '../checks/choice.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone, localTime } from '../hub/time-zone.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'
import { type GroupBy, type GroupKeys, groupByColumns, groupKeys } from './group-by.ts'

/** The calendar interval whose distinct occurrences stickiness counts. */
export type StickinessInterval = 'day' | 'week' | 'month'

/** How many users were active on exactly `intervals_active` distinct intervals. */
export interface StickinessRow {
  intervals_active: number
  users: number
}

export interface StickinessOptions<G = GroupBy<Record<string, unknown>>> {
  /** The interval counted: 'day', 'week' (Monday-start) or 'month', in the time zone. */
  readonly interval: StickinessInterval
  /** Keys to count per (a column, a `{ timeAggregation }` bucket, or an array); none by default. */
  readonly groupBy?: G
  /**
   * IANA time zone whose calendar intervals (and default-zone buckets of groupBy) count, e.g.
   * 'Europe/Amsterdam' (default: the hub's).
   */
  readonly timeZone?: string
}

/** The key columns of a stickiness row: none without groupBy, else like the other agg models. */
export type StickinessKeys<O, G> = GroupKeys<O, [G] extends [undefined] ? null : G>

const INTERVALS: Readonly<Record<StickinessInterval, CalendarUnit>> = { day: 'day', week: 'week', month: 'month' }

/**
 * Stickiness: per number N, how many users were active on exactly N distinct calendar intervals
 * (days, Monday-start weeks or months in the time zone) within the events of `q`; with `groupBy`, per group
 * (a user with events in two groups counts in both, with the intervals of each). No groupBy
 * means no keys (not the hub's time bucket). Anonymous events never count (docs/semantics.md §S8).
 *
 * Shape (three aggregates, each hashed; no join):
 *   select <keys>, intervals_active, count(*) as users from (
 *     select <keys>, user_id, count(*) as intervals_active from (
 *       select <keys>, user_id, <start of moment's interval> from events where user_id is not null
 *       group by <keys>, user_id, <start of moment's interval>) as intervals
 *     group by <keys>, user_id) as users
 *   group by <keys>, intervals_active
 */
export function stickiness<R = StickinessRow>(
  hub: HubContext,
  q: AnyQuery,
  interval: unknown,
  groupBy: GroupBy<Record<string, unknown>>,
  timeZone?: unknown,
): AggregateQuery<R> {
  const unit = INTERVALS[choiceOf('interval', interval, INTERVALS)]
  hub = inTimeZone(hub, timeZone)
  const { engine } = hub
  const keysOf = (eb: Parameters<typeof groupKeys>[1]) =>
    groupKeys(hub, eb, groupBy === undefined ? null : groupBy, ['user_id', 'moment'])

  // A user's distinct intervals by two hashed GROUP BYs (aggregate-query.ts, countDistinct).
  const intervals = hub.db
    .selectFrom(storedEvents(hub.db, q, groupByColumns(groupBy)).as('events'))
    .select((eb) => [
      ...keysOf(eb).map((key) => eb.parens(engine.groupKey(key.expression).select).as(key.name)),
      eb.ref('user_id').as('user_id'),
      engine.periodKey(localTime(hub, eb.ref('moment')), unit).as('interval_start'),
    ])
    .where('user_id', 'is not', null)
    .groupBy((eb) => [
      eb.ref('user_id'),
      engine.periodKey(localTime(hub, eb.ref('moment')), unit),
      ...keysOf(eb).flatMap((key) => engine.groupKey(key.expression).groupBy),
    ])

  const names = keysOf(expressionBuilder()).map((key) => key.name)
  const perUser = hub.db
    .selectFrom(intervals.as('intervals'))
    .select((eb) => [
      ...names.map((name) => eb.parens(engine.groupKey(eb.ref(name)).select).as(name)),
      sql<number>`count(*)`.as('intervals_active'),
    ])
    .groupBy((eb) => [eb.ref('user_id'), ...names.flatMap((name) => engine.groupKey(eb.ref(name)).groupBy)])

  const counted = hub.db
    .selectFrom(perUser.as('users'))
    .select((eb) => [
      ...names.map((name) => eb.parens(engine.groupKey(eb.ref(name)).select).as(name)),
      eb.ref('intervals_active').as('intervals_active'),
      sql<number>`count(*)`.as('users'),
    ])
    .groupBy((eb) => [eb.ref('intervals_active'), ...names.flatMap((name) => engine.groupKey(eb.ref(name)).groupBy)])
  return aggregateResult(
    typedResult(hub, counted, {
      intervals_active: 'number',
      users: 'number',
    }),
  )
}
