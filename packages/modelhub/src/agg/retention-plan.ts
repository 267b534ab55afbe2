import type { AliasableExpression, Expression, RawBuilder, SqlBool } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { RetentionClock } from './retention-periods.ts'

/** What the stages of a retention matrix read: the hub, its clock, the events that count and the window. */
export interface RetentionPlan {
  readonly hub: HubContext
  readonly clock: RetentionClock
  /** The event type that starts a cohort; undefined: any event. */
  readonly startType?: string
  /** The event type that counts as a return; undefined: any event. */
  readonly returnType?: string
  /** Whether starts and returns are the same events (then one filter serves both, as before returnEventType). */
  readonly sameEvents: boolean
  /** Only cohorts started on or after this day. */
  readonly startDate?: string
  /** Only events on or before this day. */
  readonly endDate?: string
}

/**
 * The (user_id, <cohort>, period) rows a retention matrix counts. The cohort column is
 * `first_cohort`, its name; or, in calendar periods, `cohort_start`, the cohort's period start,
 * which `label` names once per counted group rather than once per row.
 */
export interface RetentionRows {
  readonly rows: AnyQuery
  readonly cohort: 'first_cohort' | 'cohort_start'
  readonly label?: (start: Expression<unknown>) => RawBuilder<string>
}

/** Rows whose cohort is the period start, named late by the clock. */
export const startRows = (plan: RetentionPlan, rows: AnyQuery): RetentionRows => ({
  rows,
  cohort: 'cohort_start',
  label: plan.clock.startLabel,
})

/**
 * The events of `q` that may start a cohort or count as a return, to select from as `events`.
 * Anonymous events (user_id NULL) are left out; event types are filtered where both kinds are restricted.
 */
export function eventsOf(plan: RetentionPlan, q: AnyQuery) {
  const { startType, returnType, sameEvents } = plan
  const events = plan.hub.db.selectFrom(q.as('events')).where('user_id', 'is not', null)
  if (sameEvents) return startType === undefined ? events : events.where('event_type', '=', startType)
  if (startType === undefined || returnType === undefined) return events
  return events.where('event_type', 'in', [startType, returnType])
}

/** Whether only some of the events read start a cohort (a start type, and returns of another kind). */
export const someStart = (plan: RetentionPlan): boolean => !plan.sameEvents && plan.startType !== undefined

/** Whether only some of the events read count as a return (a return type, and starts of another kind). */
export const someReturn = (plan: RetentionPlan): boolean => !plan.sameEvents && plan.returnType !== undefined

/** Whether an event of `events` starts a cohort; undefined when every event does. */
export function startsCohort(plan: RetentionPlan, eb: AnyExpressionBuilder): AliasableExpression<SqlBool> | undefined {
  return someStart(plan) ? eb('event_type', '=', plan.startType as string) : undefined
}

/** Whether an event of `events` counts as a return; undefined when every event does. */
export function countsAsReturn(
  plan: RetentionPlan,
  eb: AnyExpressionBuilder,
): AliasableExpression<SqlBool> | undefined {
  return someReturn(plan) ? eb('event_type', '=', plan.returnType as string) : undefined
}
