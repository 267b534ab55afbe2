import { type CalendarUnit, parseTimeFormat, windowed } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, sql } from 'kysely'
import { choiceOf } from '../checks/choice.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone, localTime } from '../hub/time-zone.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'

/** The length of a lifecycle period. */
export type LifecyclePeriod = 'daily' | 'weekly' | 'monthly'

/** What a user is in a period: first seen, back from the previous period, back after a gap, or gone. */
export type LifecycleStatus = 'new' | 'returning' | 'resurrecting' | 'dormant'

/** How many users had one status in one period. */
export interface LifecycleRow {
  /** The period, labelled like retentionMatrix's cohorts: 'YYYY-MM-DD' (a week by its Monday) or 'YYYY-MM'. */
  period: string
  status: LifecycleStatus
  /** Distinct users, a count ≥ 0 for every status (charts draw `dormant` below zero). */
  users: number
}

export interface LifecycleOptions {
  /** Default 'weekly'. */
  readonly period?: LifecyclePeriod
  /** IANA time zone whose calendar periods count, e.g. 'Europe/Amsterdam' (default: the hub's). */
  readonly timeZone?: string
}

const PERIODS: Readonly<Record<LifecyclePeriod, { readonly unit: CalendarUnit; readonly label: string }>> = {
  daily: { unit: 'day', label: '%Y-%m-%d' },
  weekly: { unit: 'week', label: '%Y-%m-%d' },
  monthly: { unit: 'month', label: '%Y-%m' },
}

/** The statuses in the order a chart stacks them; every period has a row for each. */
export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['new', 'returning', 'resurrecting', 'dormant']

/**
 * Lifecycle of users per calendar period (of the hub's time zone, or `timeZone`), as PostHog's
 * lifecycle insight defines it: a user active in a period is `new` in their first period,
 * `returning` when also active in the previous period, else `resurrecting`; a user active in the
 * previous period but not in this one is `dormant` in it. Anonymous events (user_id NULL) never count. Decisions (docs/semantics.md §S8):
 * every period from the first to the last with activity has one row per status (0 included), a
 * period in which nobody was active too, and `users` is never negative.
 *
 * Shape (windows and aggregates, one pass, no join per period):
 *   select period, status, case status when 'new' then new … when 'dormant' then dormant end as users from (
 *     select series_start as period_start, case when series_start = period_start then new else 0 end as new, …,
 *       case when series_start = period_start then <previous_leaving if previous_start is the period before>
 *            when <series_start is the period after period_start> then leaving else 0 end as dormant
 *     from (select period_start, count(case when user_previous_start is null then 1 end) as new, …,
 *             count(case when <user_next_start is not the next period> then 1 end) as leaving,
 *             lag(period_start) over (order by period_start) as previous_start,
 *             lag(count(case when … then 1 end)) over (order by period_start) as previous_leaving,
 *             lead(period_start) over (order by period_start) as next_start
 *           from (select period_start, lag(period_start) over (partition by user_id …) as user_previous_start,
 *                   lead(period_start) over (partition by user_id …) as user_next_start
 *                 from (select user_id, <start of moment's period> as period_start from events
 *                       where user_id is not null group by period_start, user_id) as user_periods) as user_periods
 *           group by period_start) as periods,
 *       <series of period starts from period_start to next_start> as series_start
 *     where next_start is null or series_start < next_start) as periods
 *   cross join (select 'new' as status union all … ) as statuses
 *
 * @example hub.agg.lifecycle(hub.events(), { period: 'weekly' }).orderBy(['period', 'status'])
 * // → [{ period: '2021-11-29', status: 'dormant', users: 0 }, { period: '2021-11-29', status: 'new', users: 4 }, …]
 */
export function lifecycle(hub: HubContext, q: AnyQuery, options: LifecycleOptions): AggregateQuery<LifecycleRow> {
  const { unit, label } = PERIODS[choiceOf('period', options.period ?? 'weekly', PERIODS)]
  // Whole periods from one period start to another: 1 for the next period.
  const adjacent = (from: Expression<unknown>, to: Expression<unknown>) =>
    sql<boolean>`${hub.engine.startsBetween(from, to, unit)} = 1`
  // Every stage works on wall-clock times in the zone (period starts included), so its labels are local.
  const plan: LifecyclePlan = { hub: inTimeZone(hub, options.timeZone), unit, label, adjacent }
  const counted = countedPeriods(plan, neighbours(plan, activePeriods(plan, q)))
  return aggregateResult(typedResult(hub, onePerStatus(plan, filledPeriods(plan, counted)), { users: 'number' }))
}

/** What every stage reads: the hub, the period's unit and label, and the test for consecutive periods. */
interface LifecyclePlan {
  readonly hub: HubContext
  readonly unit: CalendarUnit
  readonly label: string
  readonly adjacent: (from: Expression<unknown>, to: Expression<unknown>) => RawBuilder<boolean>
}

/** One row per user and period they were active in. */
function activePeriods({ hub, unit }: LifecyclePlan, q: AnyQuery) {
  return (
    hub.db
      .selectFrom(
        hub.db
          // Users and moments as stored: only grouped here, never returned.
          .selectFrom(storedEvents(hub.db, q).as('events'))
          .select((eb) => [
            eb.ref('user_id').as('user_id'),
            hub.engine.truncateTime(localTime(hub, eb.ref('moment')), unit).as('period_start'),
          ])
          .where('user_id', 'is not', null)
          .as('events'),
      )
      .select(['user_id', 'period_start'])
      // Period first: in the window's order (user, period) Postgres sorts every event to group them
      // for it; in this order it hashes them and sorts only the pairs (retention-first-time.ts too).
      .groupBy(['period_start', 'user_id'])
  )
}

/** The starts of the user's previous and next active periods (NULL in their first and last). */
function neighbours({ hub }: LifecyclePlan, userPeriods: AnyQuery) {
  return hub.db.selectFrom(userPeriods.as('user_periods')).select((eb) => {
    const byUser = (call: string) =>
      windowed(eb, sql`${sql.raw(call)}(${eb.ref('period_start')})`, {
        partitionBy: ['user_id'],
        orderBy: ['period_start'],
      })
    return [
      eb.ref('period_start').as('period_start'),
      byUser('lag').as('user_previous_start'),
      byUser('lead').as('user_next_start'),
    ]
  })
}

/**
 * Per period with activity: the users new, returning, resurrecting and leaving (not active in the next
 * period), and the neighbouring periods. The windows over the grouped periods (one row each) sit in the
 * grouping select itself: over users' rows BigQuery would need one worker for all.
 */
function countedPeriods({ hub, unit, adjacent }: LifecyclePlan, withNeighbours: AnyQuery) {
  const count = (condition: Expression<unknown>) => sql<number>`count(case when ${condition} then 1 end)`
  return hub.db
    .selectFrom(withNeighbours.as('user_periods'))
    .select((eb) => {
      const start = eb.ref('period_start')
      const overPeriods = (call: string, value: Expression<unknown>) =>
        windowed(eb, sql`${sql.raw(call)}(${value})`, { orderBy: ['period_start'] })
      const leaving = count(
        sql`${eb.ref('user_next_start')} is null or not (${adjacent(start, eb.ref('user_next_start'))})`,
      )
      return [
        start.as('period_start'),
        count(sql`${eb.ref('user_previous_start')} is null`).as('new'),
        count(adjacent(eb.ref('user_previous_start'), start)).as('returning'),
        count(sql`${hub.engine.startsBetween(eb.ref('user_previous_start'), start, unit)} > 1`).as('resurrecting'),
        leaving.as('leaving'),
        overPeriods('lag', start).as('previous_start'),
        overPeriods('lag', leaving).as('previous_leaving'),
        overPeriods('lead', start).as('next_start'),
      ]
    })
    .groupBy('period_start')
}

/**
 * Each period with activity and the periods without any up to the next one (a series per period, so one
 * join in all): counts in the period itself; in the empty period right after it, its leaving users are
 * dormant.
 */
function filledPeriods({ hub, unit, adjacent }: LifecyclePlan, counted: AnyQuery) {
  const series = sql.ref('series_start')
  return hub.db
    .selectFrom([
      counted.as('periods'),
      hub.engine
        .periodStarts(
          sql.ref('periods.period_start'),
          sql`coalesce(${sql.ref('periods.next_start')}, ${sql.ref('periods.period_start')})`,
          unit,
        )
        .as('series_start'),
    ])
    .where((eb) => eb.or([eb('periods.next_start', 'is', null), eb(series, '<', eb.ref('periods.next_start'))]))
    .select((eb) => {
      const start = eb.ref('periods.period_start')
      const itself = sql`${series} = ${start}`
      const active = (status: string) =>
        sql<number>`case when ${itself} then ${eb.ref(`periods.${status}`)} else 0 end`.as(status)
      const dormantHere = sql<number>`case when ${adjacent(eb.ref('periods.previous_start'), start)} then ${eb.ref(
        'periods.previous_leaving',
      )} else 0 end`
      return [
        series.as('period_start'),
        active('new'),
        active('returning'),
        active('resurrecting'),
        sql<number>`case when ${itself} then ${dormantHere} when ${adjacent(start, series)} then ${eb.ref(
          'periods.leaving',
        )} else 0 end`.as('dormant'),
      ]
    })
}

/** One row per period and status, the period labelled: a join with four constant rows, not with the data. */
function onePerStatus({ hub, label }: LifecyclePlan, filled: AnyQuery) {
  const statuses = sql.join(
    LIFECYCLE_STATUSES.map((status) => sql`select ${sql.lit(status)} as status`),
    sql` union all `,
  )
  return hub.db.selectFrom([filled.as('periods'), sql`(${statuses})`.as('statuses')]).select((eb) => {
    const start = eb.ref('periods.period_start')
    const labelled: Expression<unknown> = hub.engine.timeFormat(start, parseTimeFormat(label))
    const users = sql<number>`case ${eb.ref('statuses.status')} ${sql.join(
      LIFECYCLE_STATUSES.map((status) => sql`when ${sql.lit(status)} then ${eb.ref(`periods.${status}`)}`),
      sql` `,
    )} end`
    return [eb.parens(labelled).as('period'), eb.ref('statuses.status').as('status'), users.as('users')]
  })
}
