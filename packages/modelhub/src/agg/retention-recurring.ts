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
 * Recurring retention (PostHog's): a user belongs to the cohort of every period in which they did a
 * start event; rows of (user_id, first_cohort, period) for that membership (period 0, timed from
 * the user's first start event in it) and for each return event at or after that first start.
 *
 * Pairing every membership with the same user's later activity takes one join on user_id between
 * two per-user aggregates (not a join per period). With calendar periods both sides are one row per
 * user and period; with elapsed periods the activity side is the events themselves, since elapsed
 * periods do not line up with calendar ones.
 *
 * Shape (the CTEs make each side read the events once; Postgres computes a CTE used twice once):
 *   with [retention_events as (events),] retention_user_periods as (
 *     select user_id, period_start, min([case when is_start [and <day of moment> >= ?] then] moment [end]) as anchor,
 *       [max(case when is_return then 1 else 0 end) as returned]
 *     from (select user_id, moment, [event_type = ? as is_start,] [event_type = ? as is_return,]
 *             <start of moment's period> as period_start
 *           from events where user_id is not null [and event_type in (?, ?)] [and <day of moment> <= ?]) as events
 *     group by user_id, period_start)
 *   select cohorts.user_id, <period_start | label of anchor> as <cohort_start | first_cohort>,
 *     <periods from cohorts.at to activity.at> as period
 *   from retention_user_periods as cohorts
 *   join <retention_user_periods | retention_events> as activity on activity.user_id = cohorts.user_id
 *     and activity.at >= cohorts.at [and (activity.at = cohorts.at or <activity returned>)]
 *   [where cohorts.anchor is not null]
 * where `at` is period_start with calendar periods, and anchor / moment with elapsed ones. The
 * anchor is left out in calendar periods when every event is a start.
 */
export function recurringRows(plan: RetentionPlan, q: AnyQuery): RetentionRows {
  const { hub, clock, startDate, endDate } = plan
  let events = eventsOf(plan, q).select((eb) => {
    const start = startsCohort(plan, eb)
    const returns = countsAsReturn(plan, eb)
    return [
      eb.ref('user_id').as('user_id'),
      eb.ref('moment').as('moment'),
      ...(start ? [start.as('is_start')] : []),
      ...(returns ? [returns.as('is_return')] : []),
      clock.periodStart(eb.ref('moment')).as('period_start'),
    ]
  })
  if (endDate) events = events.where((eb) => eb(clock.day(eb.ref('moment')), '<=', endDate))

  // With calendar periods and every event a start, each row is a membership: no anchor to find.
  const anchored = !clock.calendar || someStart(plan) || startDate !== undefined
  // One row per user and calendar period: when their first start event in it was, whether they returned in it.
  const userPeriods = (from: AnyQuery) =>
    hub.db
      .selectFrom(from.as('events'))
      .select((eb) => {
        const starts = [
          ...(someStart(plan) ? [eb.ref('is_start')] : []),
          ...(startDate ? [eb(clock.day(eb.ref('moment')), '>=', startDate)] : []),
        ]
        const startMoment = starts.length
          ? sql`case when ${eb.and(starts)} then ${eb.ref('moment')} end`
          : eb.ref('moment')
        return [
          eb.ref('user_id').as('user_id'),
          eb.ref('period_start').as('period_start'),
          ...(anchored ? [sql`min(${startMoment})`.as('anchor')] : []),
          ...(someReturn(plan)
            ? [sql<number>`max(case when ${eb.ref('is_return')} then 1 else 0 end)`.as('returned')]
            : []),
        ]
      })
      .groupBy(['user_id', 'period_start'])

  // Each side of the join reads the events once: as a CTE, Postgres computes it once for both.
  const cohortAt = clock.calendar ? 'cohorts.period_start' : 'cohorts.anchor'
  const activityAt = clock.calendar ? 'activity.period_start' : 'activity.moment'
  const withSides = clock.calendar
    ? hub.db.with('retention_user_periods', () => userPeriods(events))
    : hub.db
        .with('retention_events', () => events)
        .with('retention_user_periods', (db) => userPeriods(db.selectFrom('retention_events').selectAll()))
  const rows = withSides
    .selectFrom('retention_user_periods as cohorts')
    .innerJoin(clock.calendar ? 'retention_user_periods as activity' : 'retention_events as activity', (join) => {
      const on = join.onRef('activity.user_id', '=', 'cohorts.user_id').onRef(activityAt, '>=', cohortAt)
      if (!someReturn(plan)) return on
      return on.on((eb) =>
        eb.or([
          eb(activityAt, '=', eb.ref(cohortAt)),
          clock.calendar ? eb('activity.returned', '=', 1) : eb.ref('activity.is_return'),
        ]),
      )
    })
    .$call((query) => (anchored ? query.where('cohorts.anchor', 'is not', null) : query))
    .select((eb) => [
      eb.ref('cohorts.user_id').as('user_id'),
      // Calendar cohorts are named after counting, once per cohort (startRows).
      clock.calendar
        ? eb.ref('cohorts.period_start').as('cohort_start')
        : clock.cohortLabel(eb.ref('cohorts.anchor')).as('first_cohort'),
      (clock.calendar ? clock.betweenStarts : clock.between)(eb.ref(cohortAt), eb.ref(activityAt)).as('period'),
    ])
  return clock.calendar ? startRows(plan, rows) : { rows, cohort: 'first_cohort' }
}
