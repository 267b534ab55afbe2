import { type CalendarUnit, invalid, parseTimeFormat, windowed } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import { choiceOf } from '../checks/choice.ts'
import { checkDayWindow } from '../checks/dates.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone, localTime } from '../hub/time-zone.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'

/** The length of a retention period (and of a cohort). */
export type RetentionTimePeriod = 'daily' | 'weekly' | 'monthly' | 'yearly'

/** One cell of the retention matrix, in long form: `toMatrix(rows)` pivots them for display. */
export interface RetentionRow {
  /** The period users were first seen in: 'YYYY', 'YYYY-MM', the Monday 'YYYY-MM-DD', or 'YYYY-MM-DD'. */
  first_cohort: string
  /** Whole periods since the cohort's period, from 0. */
  period: number
  /** Distinct users of the cohort active in that period, or their share (×100) of the cohort. */
  value: number
}

export interface RetentionMatrixOptions {
  /** Default 'monthly'. */
  readonly timePeriod?: RetentionTimePeriod
  /** Only events of this type count, also for finding each user's first event. */
  readonly eventType?: string
  /** Only cohorts that start on or after this day ('YYYY-MM-DD', inclusive). */
  readonly startDate?: string
  /** Only activity on or before this day ('YYYY-MM-DD', inclusive). */
  readonly endDate?: string
  /** Values as a percentage of the cohort's users (period 0 is 100). */
  readonly percentage?: boolean
  /** IANA time zone whose calendar periods and days count, e.g. 'Europe/Amsterdam' (default: the hub's). */
  readonly timeZone?: string
}

const PERIODS: Readonly<Record<RetentionTimePeriod, { readonly unit: CalendarUnit; readonly label: string }>> = {
  daily: { unit: 'day', label: '%Y-%m-%d' },
  weekly: { unit: 'week', label: '%Y-%m-%d' },
  monthly: { unit: 'month', label: '%Y-%m' },
  yearly: { unit: 'year', label: '%Y' },
}
const DAY = parseTimeFormat('%Y-%m-%d')

/**
 * The retention matrix in long form: per cohort (users by the period of their first event) and
 * per period since then, how many of its users were active. Anonymous events (user_id NULL) are
 * left out. Cohorts come from all events of `q` (of `eventType` when given).
 *
 * Periods are calendar periods of the time zone: days, weeks from Monday, months, years. Decisions
 * where Objectiv's rules were surprising (docs/semantics.md §S4.3):
 * - `daily` counts calendar days, like the other periods count calendar weeks, months and years:
 *   events at 23:00 and at 01:00 the next day are periods 0 and 1. (Objectiv counted elapsed 24 h
 *   periods, which made them both period 0.)
 * - `endDate` is inclusive, like `startDate` and like `hub.events()`: activity on that day counts.
 *   (Objectiv's was exclusive; its `end_date='2021-12-02'` is `endDate: '2021-12-01'` here.)
 * - `startDate` selects cohorts, as in Objectiv: users first seen before it are left out
 *   entirely, never counted again as a later cohort. To start the data itself later, filter `q`
 *   (e.g. `hub.events({ startDate })`), which moves users' first events.
 *
 * Shape (one pass over the events, no join):
 *   select first_cohort, period, count(distinct user_id) as value from (
 *     select user_id, <label of first_moment> as first_cohort, <units between first_moment and moment> as period
 *     from (select user_id, moment, min(moment) over (partition by user_id) as first_moment
 *           from events where user_id is not null [and event_type = ?]) as events
 *     [where <day of first_moment> >= ?] [and <day of moment> <= ?]) as events
 *   group by first_cohort, period
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
  const { unit, label } = PERIODS[choiceOf('timePeriod', options.timePeriod ?? 'monthly', PERIODS)]
  const { startDate, endDate } = checkDayWindow({ startDate: options.startDate, endDate: options.endDate })
  const { eventType, percentage = false } = options
  if (eventType !== undefined && typeof eventType !== 'string') {
    invalid('eventType', eventType, 'expected an event type such as "PressEvent"')
  }
  if (typeof percentage !== 'boolean') invalid('percentage', percentage, 'expected true or false')

  const { engine } = hub
  // Calendar periods in the zone: the instants' wall-clock times there (the first is found on instants).
  const zoned = inTimeZone(hub, options.timeZone)
  let firstSeen = hub.db
    .selectFrom(q.as('events'))
    .select((eb) => [
      eb.ref('user_id').as('user_id'),
      eb.ref('moment').as('moment'),
      windowed(eb, sql`min(${eb.ref('moment')})`, { partitionBy: ['user_id'] }).as('first_moment'),
    ])
    .where('user_id', 'is not', null)
  if (eventType !== undefined) firstSeen = firstSeen.where('event_type', '=', eventType)

  let periods = hub.db.selectFrom(firstSeen.as('events')).select((eb) => {
    const first = localTime(zoned, eb.ref('first_moment'))
    const start: Expression<unknown> = unit === 'week' ? engine.truncateTime(first, 'week') : first
    return [
      eb.ref('user_id').as('user_id'),
      engine.timeFormat(start, parseTimeFormat(label)).as('first_cohort'),
      engine.calendarUnitsBetween(first, localTime(zoned, eb.ref('moment')), unit).as('period'),
    ]
  })
  const day = (instant: Expression<unknown>) => engine.timeFormat(localTime(zoned, instant), DAY)
  if (startDate) periods = periods.where((eb) => eb(day(eb.ref('first_moment')), '>=', startDate))
  if (endDate) periods = periods.where((eb) => eb(day(eb.ref('moment')), '<=', endDate))

  const counted = hub.db
    .selectFrom(periods.as('events'))
    .select((eb) => [
      eb.ref('first_cohort').as('first_cohort'),
      eb.ref('period').as('period'),
      sql<number>`count(distinct ${eb.ref('user_id')})`.as('value'),
    ])
    .groupBy(['first_cohort', 'period'])
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
