import { invalid, windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import { choiceOf } from '../checks/choice.ts'
import { checkDayWindow } from '../checks/dates.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone } from '../hub/time-zone.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'
import { firstTimeRows } from './retention-first-time.ts'
import {
  PERIOD_KINDS,
  type RetentionPeriods,
  type RetentionTimePeriod,
  retentionClock,
  TIME_PERIODS,
} from './retention-periods.ts'
import type { RetentionPlan } from './retention-plan.ts'
import { recurringRows } from './retention-recurring.ts'

export type { RetentionPeriods, RetentionTimePeriod }

/**
 * Which cohorts a user belongs to: 'first_time', the one of their first start event; 'recurring',
 * every period in which they did a start event.
 */
export type RetentionMode = 'first_time' | 'recurring'

const MODES: Readonly<Record<RetentionMode, string>> = {
  first_time: 'the cohort of the first start event',
  recurring: 'a cohort for every period with a start event',
}

/** One cell of the retention matrix, in long form: `toMatrix(rows)` pivots them for display. */
export interface RetentionRow {
  /** The cohort's calendar period: 'YYYY', 'YYYY-MM', the Monday 'YYYY-MM-DD', or 'YYYY-MM-DD'. */
  first_cohort: string
  /** Whole periods since the cohort's start, from 0 (the cohort itself). */
  period: number
  /** Distinct users of the cohort: all of them in period 0, those who returned in later ones; or their share (×100). */
  value: number
}

export interface RetentionMatrixOptions {
  /** Default 'monthly'. */
  readonly timePeriod?: RetentionTimePeriod
  /** Only events of this type start a cohort (and count as returns, unless `returnEventType` says otherwise). */
  readonly eventType?: string
  /**
   * The event type that counts as a return in periods 1, 2, …; default: the same as `eventType`
   * (any event when that is not given); `null`: any event.
   */
  readonly returnEventType?: string | null
  /** Only cohorts that start on or after this day ('YYYY-MM-DD', inclusive). */
  readonly startDate?: string
  /** Only activity on or before this day ('YYYY-MM-DD', inclusive). */
  readonly endDate?: string
  /** Values as a percentage of the cohort's users (period 0 is 100). */
  readonly percentage?: boolean
  /** IANA time zone whose calendar periods and days count, e.g. 'Europe/Amsterdam' (default: the hub's). */
  readonly timeZone?: string
  /** Default 'first_time': one cohort per user. 'recurring': a cohort for every period with a start event. */
  readonly mode?: RetentionMode
  /** Default 'calendar': days, Monday weeks, months, years. 'elapsed': 24 h, 7, 30 or 365 days from the start event. */
  readonly periods?: RetentionPeriods
}

/**
 * The retention matrix in long form: per cohort and per period since its start, how many of its
 * users were active. Anonymous events (user_id NULL) are left out. Rules (docs/semantics.md §S4.3):
 * - Cohorts are calendar periods of the time zone (days, weeks starting on Monday, months, years). With
 *   `mode: 'first_time'` (default) a user's one cohort is the period of their first start event
 *   (an event of `eventType`, or any event) in `q`; with `'recurring'` (PostHog's recurring
 *   retention) a user belongs to the cohort of every period in which they did a start event.
 * - Period 0 is the cohort itself: all its users. Period k > 0 counts its users who did a return
 *   event (`returnEventType`, by default the same events as the starts) k periods after the start.
 * - `periods: 'calendar'` (default) counts calendar boundaries: 23:00 and 01:00 the next day are
 *   periods 0 and 1 daily. `'elapsed'` counts whole 24-hour (7-day, 30-day, 365-day) periods since
 *   the user's start event, so those two are both period 0; with `daily` that is Objectiv's rule.
 * - `endDate` is inclusive, like `startDate` and like `hub.events()`: activity on that day counts.
 *   (Objectiv's was exclusive; its `end_date='2021-12-02'` is `endDate: '2021-12-01'` here.)
 * - `startDate` selects cohorts, as in Objectiv: first-time users first seen before it are left
 *   out entirely, never counted again as a later cohort; recurring cohorts come from start events
 *   on or after it. To start the data itself later, filter `q` (e.g. `hub.events({ startDate })`).
 *
 * Shape: the (user_id, first_cohort, period) rows of `retention-first-time.ts` (one window pass) or
 * `retention-recurring.ts` (one join on user_id), then
 *   select first_cohort, period, count(*) as value
 *   from (select first_cohort, period, user_id from <rows> group by first_cohort, period, user_id)
 *   group by first_cohort, period
 *   (in calendar periods, but for first-time retention with other return than start events, the
 *   rows are distinct already and counted as they are)
 *   (percentage: value * 100.0 / max(case when period = 0 then value end) over (partition by first_cohort))
 *
 * @example hub.agg.retentionMatrix(hub.events(), { timePeriod: 'monthly' }).orderBy(['first_cohort', 'period'])
 * // → [{ first_cohort: '2021-11', period: 0, value: 2 }, { first_cohort: '2021-11', period: 1, value: 1 },
 * //    { first_cohort: '2021-12', period: 0, value: 2 }]
 */
export function retentionMatrix(
  hub: HubContext,
  q: AnyQuery,
  options: RetentionMatrixOptions,
): AggregateQuery<RetentionRow> {
  const plan = retentionPlan(inTimeZone(hub, options.timeZone), options)
  const { percentage = false } = options
  if (typeof percentage !== 'boolean') invalid('percentage', percentage, 'expected true or false')
  const recurring = choiceOf('mode', options.mode ?? 'first_time', MODES) === 'recurring'
  // Users and moments as stored: compared, bucketed and counted, never returned.
  const events = storedEvents(hub.db, q)
  const { rows, cohort, label } = recurring ? recurringRows(plan, events) : firstTimeRows(plan, events)

  // Distinct users as a GROUP BY of the (cohort, period, user) triples, then a count: Postgres
  // hashes both, where count(distinct) sorts every row. In calendar periods the rows come one per
  // user, cohort and period already (both kinds group by user and period start first), except
  // first-time retention with distinct start and return events, which reads the events themselves.
  const distinctRows = plan.clock.calendar && (recurring || plan.sameEvents)
  const triples = distinctRows
    ? rows
    : hub.db.selectFrom(rows.as('events')).select([cohort, 'period', 'user_id']).groupBy([cohort, 'period', 'user_id'])
  // A cohort given by its period start is named here, once per cohort and period.
  const counted = hub.db
    .selectFrom(triples.as('users'))
    .select((eb) => [
      label ? label(eb.ref(cohort)).as('first_cohort') : eb.ref(cohort).as('first_cohort'),
      eb.ref('period').as('period'),
      sql<number>`count(*)`.as('value'),
    ])
    .groupBy([cohort, 'period'])
  const valued = percentage
    ? hub.db.selectFrom(counted.as('counts')).select((eb) => {
        const cohortSize = windowed(eb, sql`max(case when ${eb.ref('period')} = 0 then ${eb.ref('value')} end)`, {
          partitionBy: ['first_cohort'],
        })
        return [
          eb.ref('first_cohort').as('first_cohort'),
          eb.ref('period').as('period'),
          sql<number>`${eb.ref('value')} * 100.0 / ${cohortSize}`.as('value'),
        ]
      })
    : counted
  return aggregateResult(typedResult(hub, valued, { period: 'number', value: 'number' }))
}

/** The checked options as the stages read them. */
function retentionPlan(hub: HubContext, options: RetentionMatrixOptions): RetentionPlan {
  const timePeriod = choiceOf('timePeriod', options.timePeriod ?? 'monthly', TIME_PERIODS)
  const periods = choiceOf('periods', options.periods ?? 'calendar', PERIOD_KINDS)
  const { startDate, endDate } = checkDayWindow({ startDate: options.startDate, endDate: options.endDate })
  const { eventType, returnEventType } = options
  if (eventType !== undefined && typeof eventType !== 'string') {
    invalid('eventType', eventType, 'expected an event type such as "PressEvent"')
  }
  if (returnEventType !== undefined && returnEventType !== null && typeof returnEventType !== 'string') {
    invalid('returnEventType', returnEventType, 'expected an event type such as "PressEvent", or null for any event')
  }
  const returnType = returnEventType === undefined ? eventType : (returnEventType ?? undefined)
  return {
    hub,
    clock: retentionClock(hub, timePeriod, periods),
    ...(eventType === undefined ? {} : { startType: eventType }),
    ...(returnType === undefined ? {} : { returnType }),
    sameEvents: returnType === eventType,
    ...(startDate ? { startDate } : {}),
    ...(endDate ? { endDate } : {}),
  }
}
