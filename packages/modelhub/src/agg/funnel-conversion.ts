import { windowed } from '@kysely-modelhub/core'
import { type Expression, expressionBuilder, sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'
import { type GroupBy, type GroupKeys, groupByColumns, groupKeys } from './group-by.ts'
import { type LocationOption, withLocation } from './location-option.ts'

export interface FunnelConversionOptions<O, G> {
  /** Where the step (location) name comes from (default: the nice name of the whole location stack). */
  readonly locationStack?: LocationOption<O>
  /** Separate funnels per key: a column, a time bucket or an array of them; omitted or null: one funnel. */
  readonly groupBy?: G
}

/** The key columns of a funnel: none when groupBy is omitted (unlike the time-bucketed models). */
export type FunnelKeys<O, G> = [G] extends [undefined] ? {} : GroupKeys<O, G>

export interface FunnelConversionRow {
  location: string
  /** Users who reached the location. */
  n_users: number
  /** Of those, users who went on to another location in the same funnel. */
  n_users_completed_step: number
  /** n_users_completed_step / n_users, rounded to 3 decimals. */
  step_conversion_rate: number
  /** n_users_completed_step / the largest n_users of the funnel, rounded to 3 decimals. */
  full_conversion_rate: number
  /** (n_users - n_users_completed_step) / the largest n_users of the funnel, rounded to 3 decimals. */
  dropoff_share: number
}

const FUNNEL_NUMBERS = {
  n_users: 'number',
  n_users_completed_step: 'number',
  step_conversion_rate: 'number',
  full_conversion_rate: 'number',
  dropoff_share: 'number',
} as const

/**
 * How users move from location to location (Objectiv's `funnel_conversion`). Each user's first
 * visit to each location is kept (first by moment, then event_id: the order sessions number
 * hits in); per funnel (groupBy keys) and user these visits are ordered by moment, ties broken
 * by the location name (in code-point order, the same on every engine and locale) as Objectiv's
 * navigation paths do, and a visit "completes its step" when
 * another follows it. A user's first visit belongs to the funnel of the keys of that event, so
 * a location revisited in another group is not counted there.
 *
 * Events with a NULL location, anonymous users (user_id NULL) and events with a NULL key are left
 * out. Sorted by the keys, then n_users (largest first), then location (code-point order).
 *
 * The location is computed once per event (a window partition key of the first-visit pass).
 *
 * Shape: first visits (row_number over (partition by user_id, location order by moment, event_id) = 1, location not null)
 *        → lead(location) over (partition by <keys>, user_id order by moment, location collate "C") as next
 *        → count(*) (users: a row per user and location), count(next) group by <keys>, location
 *        → rates against max(n_users) over (partition by <keys>)
 *
 * @example hub.agg.funnelConversion(hub.events(), { groupBy: 'day' })
 */
export function funnelConversion<R>(
  hub: HubContext,
  q: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: options for rows of any columns; the public method checked them against q
  options: FunnelConversionOptions<any, GroupBy<Record<string, unknown>>>,
): AggregateQuery<R> {
  const keys = groupKeys(hub, expressionBuilder(), options.groupBy ?? null, ['user_id', 'location'])
  const names = keys.map((key) => key.name)
  // Users and moments as stored, unless a group key returns them: ordered and partitioned by
  // without converting each event's.
  const stored = storedEvents(hub.db, q, groupByColumns(options.groupBy ?? null))
  const located = withLocation(hub, stored, options.locationStack)
  const visits = hub.db
    .selectFrom(located.as('events'))
    .where((eb) => eb.and([eb('user_id', 'is not', null), ...keys.map((key) => eb(key.expression, 'is not', null))]))
    .select((eb) => [
      ...keys.map((key) => eb.parens(key.expression).as(key.name)),
      eb.ref('user_id').as('user_id'),
      eb.ref('__location').as('location'),
      eb.ref('moment').as('__moment'),
      windowed(eb, sql<number>`row_number()`, {
        partitionBy: ['user_id', '__location'],
        orderBy: ['moment', 'event_id'],
      }).as('__visit'),
    ])
  const steps = hub.db
    .selectFrom(visits.as('visits'))
    // Drops NULL locations with one condition on a window result: the planner cannot push it
    // below the window, where it would compute the location a second time.
    .where(sql<boolean>`case when ${sql.ref('location')} is null then 0 else ${sql.ref('__visit')} end = 1`)
    .select((eb) => [
      ...names.map((name) => eb.ref(name).as(name)),
      eb.ref('user_id').as('user_id'),
      eb.ref('location').as('location'),
      windowed(eb, sql<string | null>`lead(${eb.ref('location')})`, {
        partitionBy: [...names.flatMap((name) => hub.engine.groupKey(eb.ref(name)).groupBy), 'user_id'],
        orderBy: ['__moment', hub.engine.codePointOrder(eb.ref('location'))],
      }).as('__next'),
    ])
  const perLocation = hub.db
    .selectFrom(steps.as('steps'))
    .groupBy((eb) => [...names.flatMap((name) => hub.engine.groupKey(eb.ref(name)).groupBy), eb.ref('location')])
    .select((eb) => [
      ...names.map((name) => sql`${hub.engine.groupKey(eb.ref(name)).select}`.as(name)),
      eb.ref('location').as('location'),
      // One row per user and location (its first visit), so a count of rows counts users: no
      // distinct, which would sort them.
      sql<number>`count(*)`.as('n_users'),
      sql<number>`count(${eb.ref('__next')})`.as('n_users_completed_step'),
    ])
  const rates = hub.db.selectFrom(perLocation.as('steps')).select((eb) => {
    const users = eb.ref('n_users')
    const completed = eb.ref('n_users_completed_step')
    const most = windowed(eb, sql<number>`max(${users})`, {
      partitionBy: names.flatMap((name) => hub.engine.groupKey(eb.ref(name)).groupBy),
    })
    const rate = (numerator: Expression<number>, denominator: Expression<number>) =>
      sql<number>`round(1.0 * (${numerator}) / (${denominator}), 3)`
    return [
      ...names.map((name) => eb.ref(name).as(name)),
      eb.ref('location').as('location'),
      users.as('n_users'),
      completed.as('n_users_completed_step'),
      rate(completed, users).as('step_conversion_rate'),
      rate(completed, most).as('full_conversion_rate'),
      rate(sql<number>`${users} - ${completed}`, most).as('dropoff_share'),
    ]
  })
  // Keys are JSON on BigQuery for a global context, which cannot be ordered either: order by the group key.
  const sorted = names
    .flatMap((name) => hub.engine.groupKey(sql.ref(name)).groupBy)
    .reduce<AnyQuery>((query, key) => query.orderBy(key), typedResult(hub, rates, FUNNEL_NUMBERS))
  return aggregateResult(
    sorted.orderBy('n_users', 'desc').orderBy((eb) => hub.engine.codePointOrder(eb.ref('location'))),
  )
}
