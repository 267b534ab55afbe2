import { invalid } from '@kysely-modelhub/core'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { typedResult } from '../results/typed-result.ts'
import { bestStartPerUser } from './funnel-counts.ts'
import { type FunnelStep, flaggedEvents, plannedFunnel } from './funnel-plan.ts'
import { chainStarts } from './step-chains.ts'

export interface TimeToConvertOptions {
  /** The funnel's steps, as in `orderedSteps` (1 to 20). */
  readonly steps: readonly FunnelStep[]
  /** At most this many seconds from a user's step 1 to the last step reached (default: no limit). */
  readonly conversionWindowSeconds?: number
  /** The step the time runs from (default 1). */
  readonly fromStep?: number
  /** The step the time runs to (default the last); after `fromStep`. */
  readonly toStep?: number
  /** 'ordered' (default) or 'strict', as in `orderedSteps`; an unordered funnel has no step order to time. */
  readonly order?: 'ordered' | 'strict'
}

/** One user who converted from `fromStep` to `toStep`. */
export interface TimeToConvertRow {
  user_id: string
  /** Seconds from reaching `fromStep` to reaching `toStep` in the user's best attempt (fractions kept). */
  seconds: number
}

/**
 * Time to convert: per user who got from `fromStep` to `toStep`, the seconds it took in their best
 * attempt, the one `orderedSteps` counts them by (the furthest step, then the earliest start). A
 * step is reached at the earliest moment the attempt can have done the steps up to it; rows sorted
 * by user.
 *
 * Shape: the passes of `orderedSteps`, then per user the best start (row_number), keeping the
 * moments of its steps `fromStep` and `toStep`.
 */
export function timeToConvert(hub: HubContext, q: AnyQuery, options: TimeToConvertOptions): AnyQuery {
  if (options?.order !== undefined && options.order !== 'ordered' && options.order !== 'strict') {
    invalid(
      'order',
      options.order,
      'expected one of "ordered", "strict" (an unordered funnel has no step order to time)',
    )
  }
  const funnel = plannedFunnel(hub, { ...options, groupBy: null })
  const last = funnel.steps.length
  if (last < 2) invalid('steps', options.steps, 'expected 2 to 20 steps: a step to time from and a later one to reach')
  const fromStep = stepNumber('fromStep', options.fromStep ?? 1, 1, last - 1)
  const toStep = stepNumber('toStep', options.toStep ?? last, fromStep + 1, last)
  const moments = { __from_at: fromStep, __to_at: toStep }
  const starts = chainStarts(funnel, flaggedEvents(funnel, q), moments)
  const best = bestStartPerUser(funnel, starts, ['__by', ...Object.keys(moments)])
  const converted = hub.db
    .selectFrom(best.as('users'))
    .where((eb) => eb.and([eb('__rank', '=', 1), eb('__reached', '>=', toStep)]))
    .select((eb) => [
      eb.ref('__by').as('user_id'),
      hub.engine.epochSecondsBetween(eb.ref('__from_at'), eb.ref('__to_at')).as('seconds'),
    ])
  return typedResult(hub, converted, { seconds: 'number' }).orderBy((eb) =>
    hub.engine.codePointOrder(hub.engine.toText(eb.ref('user_id'))),
  )
}

/** A step number from `low` to `high` (fromStep before the last step, toStep after fromStep), or a clear error. */
function stepNumber(option: string, value: unknown, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
    invalid(option, value, low === high ? `expected ${low}` : `expected a whole number from ${low} to ${high}`)
  }
  return value as number
}
