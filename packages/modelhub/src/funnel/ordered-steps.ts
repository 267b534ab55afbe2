import type { AggregateQuery } from '../agg/aggregate-query.ts'
import { aggregateResult } from '../agg/aggregate-query.ts'
import type { GroupBy } from '../agg/group-by.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { anyOrderStarts } from './any-order-steps.ts'
import { bestStartPerUser, countedPerStep, oneRowPerStep } from './funnel-counts.ts'
import { type FunnelOrder, type FunnelStep, flaggedEvents, plannedFunnel } from './funnel-plan.ts'
import { chainStarts } from './step-chains.ts'

export type { FunnelOrder, FunnelStep } from './funnel-plan.ts'

export interface OrderedStepsOptions<B, G> {
  /** The steps, in the order users must take them (1 to 20 of them; a step may repeat an earlier one). */
  readonly steps: readonly FunnelStep[]
  /** Whose funnel: 'user_id' (default) or another column; rows where it is NULL are left out. */
  readonly by?: B
  /** At most this many seconds from a user's step 1 to the last step reached (default: no limit). */
  readonly conversionWindowSeconds?: number
  /**
   * Separate funnels per key of the step-1 event: a column, `{ timeAggregation }` (the bucket of
   * the moment the user entered the funnel), or an array of them. Default: one funnel.
   */
  readonly groupBy?: G
  /**
   * How the steps must follow each other: 'ordered' (default: in order, other events between them
   * allowed), 'strict' (in order, no other event of the user between two steps) or 'unordered' (in
   * any order, all within the conversion window of the first of them).
   */
  readonly order?: FunnelOrder
}

/** One step of an ordered funnel's result (plus the group's key columns). */
export interface OrderedStepsRow {
  /** 1 … number of steps. */
  step: number
  /** Users who took steps 1 … `step` in order (within the conversion window). */
  n_users: number
  /** n_users / n_users of the step before (1 for step 1; NULL when the step before has none). */
  step_conversion_rate: number | null
  /** n_users / n_users of step 1. */
  full_conversion_rate: number
}

/**
 * An ordered funnel (what PostHog and Amplitude call a funnel): per group, how many users did
 * step 1, then step 2, … in that order, each step's conversion from the one before and from step 1.
 *
 * Rules, chosen on purpose (see PostHog issues on conversion windows, repeated steps and equal
 * timestamps):
 * - Order is by `moment`. Events at the **same moment count as in order**: the database cannot
 *   tell which came first, so a tie is not held against the user.
 * - A step that **repeats an earlier step** (an equal match, or the same predicate function) must
 *   happen at a **strictly later** moment than the step before it, so one event never counts twice
 *   for one definition ([A, A] needs two A events at different moments). Different steps that
 *   happen to match one event may both be satisfied by it (as in PostHog).
 * - The **conversion window** bounds the time from the user's step 1 to the last step reached
 *   (inclusive: exactly `conversionWindowSeconds` still converts). Every step-1 event is tried as
 *   a start, and each user counts once, with the furthest step any start reaches; for a start the
 *   earliest possible event of each next step is taken, which reaches the furthest in the least time.
 * - A user is counted in the group of the step-1 event of their furthest attempt (the earliest
 *   such start on ties): with `groupBy: { timeAggregation: '%Y-%m-%d' }` a user's funnel belongs to
 *   the day they entered it, and later steps may fall on later days. Step-1 events whose group key
 *   is NULL are not starts.
 *
 * - `order: 'strict'`: no other event of the user between two consecutive steps; an event at the
 *   same moment as a step is not between (semantics.md §S4.7.1).
 * - `order: 'unordered'`: any event of any step starts an attempt, which reaches as many steps as
 *   have an event within the window from it; a step listed n times needs n distinct moments
 *   (semantics.md §S4.7.2). The group is that of the attempt's first event.
 *
 * Rows: one per group and step, sorted by the group keys, then step; groups without a step-1
 * event (any step event, unordered) have no rows.
 *
 * Shape (ordered, strict; unordered: any-order-steps.ts): window passes only (no self-joins), each
 * looking back from the user's last event (so a frame starts at the partition's first row and is
 * aggregated once), with g = dense_rank() over (partition by user order by moment desc) where a
 * frame needs an offset (strict order, a repeated step):
 *   pass p computes, for each step k > p, the earliest moment the chain of steps k-p+1 … k can finish at
 *   from an event's moment: min(case when step_{k-p+1} then <previous pass> end)
 *     over (partition by user order by moment desc | g range between unbounded preceding | 1 preceding
 *     (strict) and current row | 1 preceding (a repeated step));
 *   then per (group, user) the furthest step reached from a step-1 event, and per group count(...) per step,
 *   unpivoted by a cross join with the step numbers (select 1 as step union all select 2 …).
 *
 * @example hub.funnel.orderedSteps(hub.events(), {
 *   steps: [{ id: 'Quickstart Guide' }, (eb) => eb('event_type', '=', 'PressEvent')],
 *   conversionWindowSeconds: 3600,
 * })
 */
export function orderedSteps<R>(
  hub: HubContext,
  q: AnyQuery,
  options: OrderedStepsOptions<string | undefined, GroupBy<Record<string, unknown>>>,
): AggregateQuery<R> {
  const funnel = plannedFunnel(hub, options)
  const flagged = flaggedEvents(funnel, q)
  const starts = funnel.order === 'unordered' ? anyOrderStarts(funnel, flagged) : chainStarts(funnel, flagged)
  const counted = countedPerStep(funnel, bestStartPerUser(funnel, starts))
  return aggregateResult(oneRowPerStep(funnel, counted))
}
