import { windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import {
  countsAsReturn,
  eventsOf,
  type RetentionPlan,
  type RetentionRows,
  someReturn,
  someStart,
  startRows,
  startsCohort,
} from './retention-plan.ts'

/**
 * First-time retention: each user's one cohort is the period of their first start event; rows of
 * (user_id, first_cohort, period) for that event (period 0) and for every return event at or after it.
 *
 * Shape (one window pass over the events, no join):
 *   select user_id, <start | label of first_moment's period> as <cohort_start | first_cohort>,
 *     <periods from first_moment to moment> as period
 *   from (select user_id, moment, [event_type = ? as is_return,]
 *           min([case when event_type = ? then] moment [end]) over (partition by user_id) as first_moment
 *         from events where user_id is not null [and event_type = ? | in (?, ?)]) as events
 *   [where <day of first_moment> >= ?] [and <day of moment> <= ?]
 *   [and moment >= first_moment] [and (is_return or moment = first_moment)]
 * The last two conditions appear only when start and return events differ.
 */
export function firstTimeRows(plan: RetentionPlan, q: AnyQuery): RetentionRows {
  if (plan.clock.calendar && plan.sameEvents) return calendarFirstTimeRows(plan, q)
  const { hub, clock, startDate, endDate } = plan
  const firstSeen = eventsOf(plan, q).select((eb) => {
    const start = startsCohort(plan, eb)
    const returns = countsAsReturn(plan, eb)
    const startMoment = start ? sql`case when ${start} then ${eb.ref('moment')} end` : eb.ref('moment')
    return [
      eb.ref('user_id').as('user_id'),
      eb.ref('moment').as('moment'),
      ...(returns ? [returns.as('is_return')] : []),
      windowed(eb, sql`min(${startMoment})`, { partitionBy: ['user_id'] }).as('first_moment'),
    ]
  })

  let rows = hub.db.selectFrom(firstSeen.as('events')).select((eb) => [
    eb.ref('user_id').as('user_id'),
    // Calendar cohorts are named after counting, once per cohort (startRows).
    clock.calendar
      ? clock.periodStart(eb.ref('first_moment')).as('cohort_start')
      : clock.cohortLabel(eb.ref('first_moment')).as('first_cohort'),
    clock.between(eb.ref('first_moment'), eb.ref('moment')).as('period'),
  ])
  if (startDate) rows = rows.where((eb) => eb(clock.day(eb.ref('first_moment')), '>=', startDate))
  if (endDate) rows = rows.where((eb) => eb(clock.day(eb.ref('moment')), '<=', endDate))
  // Other events than the start events may come before a user's first start: they are not retention.
  if (someStart(plan)) rows = rows.where((eb) => eb('moment', '>=', eb.ref('first_moment')))
  if (someReturn(plan)) {
    rows = rows.where((eb) => eb.or([eb.ref('is_return'), eb('moment', '=', eb.ref('first_moment'))]))
  }
  return clock.calendar ? startRows(plan, rows) : { rows, cohort: 'first_cohort' }
}

/**
 * First-time retention counted in calendar periods, every event both a start and a return: a
 * user's periods are their distinct (user, period start) pairs, which a hashed GROUP BY finds, so
 * the window for the first moment runs over those few rows instead of every event.
 *
 * Shape:
 *   select user_id, cohort_start, <periods from it to period_start> as period
 *   from (select user_id, period_start, min(period_start) over (partition by user_id) as cohort_start
 *         from (select user_id, <start of moment's period> as period_start
 *               from events where user_id is not null [and event_type = ?] [and <day of moment> <= ?]
 *               group by period_start, user_id) as periods) as periods
 * With startDate the cohort is that of first_moment, min(min(moment)) over the user's periods, whose
 * day is compared.
 */
function calendarFirstTimeRows(plan: RetentionPlan, q: AnyQuery): RetentionRows {
  const { hub, clock, startDate, endDate } = plan
  let events = eventsOf(plan, q)
  // Before the window, unlike the general case: a user whose first event is after endDate has no rows either way.
  if (endDate) events = events.where((eb) => eb(clock.day(eb.ref('moment')), '<=', endDate))
  // The first period is the lowest period start; the first moment is needed only for startDate's day.
  const periods = events
    .select((eb) => [
      eb.ref('user_id').as('user_id'),
      clock.periodStart(eb.ref('moment')).as('period_start'),
      ...(startDate ? [sql`min(${eb.ref('moment')})`.as('first_in_period')] : []),
    ])
    // Period first, so Postgres hashes the pairs rather than sorting every event for the window (lifecycle.ts).
    .groupBy((eb) => [clock.periodStart(eb.ref('moment')), eb.ref('user_id')])
  const firstSeen = hub.db
    .selectFrom(periods.as('periods'))
    .select((eb) => [
      eb.ref('user_id').as('user_id'),
      eb.ref('period_start').as('period_start'),
      startDate
        ? windowed(eb, sql`min(${eb.ref('first_in_period')})`, { partitionBy: ['user_id'] }).as('first_moment')
        : windowed(eb, sql`min(${eb.ref('period_start')})`, { partitionBy: ['user_id'] }).as('cohort_start'),
    ])
  const rows = hub.db.selectFrom(firstSeen.as('periods')).select((eb) => {
    const cohortStart = startDate ? clock.periodStart(eb.ref('first_moment')) : sql`${eb.ref('cohort_start')}`
    return [
      eb.ref('user_id').as('user_id'),
      cohortStart.as('cohort_start'),
      clock.betweenStarts(cohortStart, eb.ref('period_start')).as('period'),
    ]
  })
  return startRows(plan, startDate ? rows.where((eb) => eb(clock.day(eb.ref('first_moment')), '>=', startDate)) : rows)
}
