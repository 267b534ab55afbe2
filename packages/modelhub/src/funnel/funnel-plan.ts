import { invalid, type JsonMatch, type LocationContext, type LocationStack, locationStack } from '@kysely-modelhub/core'
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely'
import { type GroupBy, groupKeys } from '../agg/group-by.ts'
import { choiceOf } from '../checks/choice.ts'
import type { AnyExpressionBuilder, AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'

/**
 * One step of a funnel: a match on the location stack (the event's stack has an element with
 * these values, e.g. `{ _type: 'LinkContext', id: 'Quickstart Guide' }`), or a predicate on the
 * event row, e.g. `(eb) => eb('event_type', '=', 'PressEvent')`.
 */
export type FunnelStep =
  | JsonMatch
  | ((eb: EventsExpressionBuilder, ls: LocationStack<LocationContext>) => Expression<SqlBool | null>)

/**
 * How a funnel's steps must follow each other:
 * - 'ordered': in the order given, other events in between allowed;
 * - 'strict': in the order given, with no other event of the user in between;
 * - 'unordered': in any order, all within the conversion window of the first of them.
 */
export type FunnelOrder = 'ordered' | 'strict' | 'unordered'

/** The orders, each with what it means (for the error message listing the valid ones). */
export const FUNNEL_ORDERS: Readonly<Record<FunnelOrder, string>> = {
  ordered: 'steps in order, other events between them allowed',
  strict: 'steps in order, no other event between them',
  unordered: 'steps in any order',
}

/** The options every funnel model reads. */
export interface FunnelPlanOptions {
  readonly steps: readonly FunnelStep[]
  readonly by?: string
  readonly conversionWindowSeconds?: number
  readonly groupBy?: GroupBy<Record<string, unknown>>
  readonly order?: FunnelOrder
}

/** What every stage of a funnel's query reads: the checked options and the names of its columns. */
export interface FunnelPlan {
  readonly hub: HubContext
  readonly steps: readonly FunnelStep[]
  readonly by: string
  readonly window: number | undefined
  readonly order: FunnelOrder
  readonly keys: ReturnType<typeof groupKeys>
  /** The group keys' columns inside the query: `__key_0`, … */
  readonly keyAlias: readonly string[]
  /** 1 … number of steps. */
  readonly numbers: readonly number[]
  /** Per step: whether it repeats an earlier step, so must happen strictly later than the step before. */
  readonly repeats: readonly boolean[]
}

const MAX_STEPS = 20

/** The column saying whether an event matches step i. */
export const flag = (i: number) => `__s_${i}`

/** The options checked, with clear messages, and the plan of the query. */
export function plannedFunnel(hub: HubContext, options: FunnelPlanOptions): FunnelPlan {
  const steps = options?.steps
  if (!Array.isArray(steps) || steps.length < 1 || steps.length > MAX_STEPS) {
    invalid('steps', steps, `expected an array of 1 to ${MAX_STEPS} steps`)
  }
  steps.forEach((s, i) => {
    if (typeof s === 'function') return
    if (s === null || typeof s !== 'object' || Array.isArray(s) || Object.keys(s).length === 0) {
      invalid(
        `steps[${i}]`,
        s,
        'expected a location-stack match such as { id: "Quickstart Guide" } or a predicate (eb) => eb("event_type", "=", "PressEvent")',
      )
    }
  })
  const by = options.by ?? 'user_id'
  if (typeof by !== 'string' || by.length === 0) invalid('by', by, 'expected a column name such as "user_id"')
  const window = options.conversionWindowSeconds
  if (window !== undefined && (typeof window !== 'number' || !Number.isFinite(window) || window < 0)) {
    invalid('conversionWindowSeconds', window, 'expected a number of seconds, 0 or more')
  }
  const order = options.order === undefined ? 'ordered' : choiceOf('order', options.order, FUNNEL_ORDERS)
  const keys = groupKeys(hub, expressionBuilder(), options.groupBy ?? null, [by])
  const numbers = Array.from({ length: steps.length }, (_, i) => i + 1)
  const repeats = numbers.map((i) => i > 1 && steps.slice(0, i - 1).some((earlier) => sameStep(earlier, steps[i - 1])))
  return { hub, steps, by, window, order, keys, keyAlias: keys.map((_, i) => `__key_${i}`), numbers, repeats }
}

/**
 * The window order of funnel passes: each user's events from the last back, so a frame "from this
 * event on" starts at the partition's first row and is aggregated once, not again for every row.
 */
export const LATEST_FIRST = { by: '__moment', direction: 'desc' } as const

/** The events of known users: their user, moment, group keys and whether they match each step. */
export function flaggedEvents({ hub, steps, by, keys, keyAlias, numbers }: FunnelPlan, q: AnyQuery) {
  return hub.engine.computedOnce(
    hub.db
      .selectFrom(q.as('events'))
      .where((eb) => eb(eb.ref(by), 'is not', null))
      .select((eb) => [
        ...keys.map((key, i) => eb.parens(key.expression).as(keyAlias[i] as string)),
        eb.ref(by).as('__by'),
        eb.ref('moment').as('__moment'),
        ...numbers.map((i) => {
          const test = stepTest(hub, eb, steps[i - 1] as FunnelStep)
          return sql<boolean>`coalesce(${test}, false)`.as(flag(i))
        }),
      ]),
  )
}

function stepTest(hub: HubContext, eb: AnyExpressionBuilder, step: FunnelStep): Expression<SqlBool | null> {
  const ls = locationStack(eb.ref('location_stack'), hub.engine)
  if (typeof step === 'function') return step(eb, ls)
  return ls.contains(step)
}

/** Whether two steps are one definition: equal matches (key order aside), or the same function. */
export function sameStep(a: FunnelStep | undefined, b: FunnelStep | undefined): boolean {
  if (typeof a === 'function' || typeof b === 'function') return a === b
  if (!a || !b) return false
  const canonical = (m: JsonMatch) =>
    JSON.stringify(
      Object.keys(m)
        .sort()
        .map((k) => [k, m[k]]),
    )
  return canonical(a) === canonical(b)
}

/** The conversion window test: `at` is no more than the window after `from` (always, without a window). */
export function withinWindow({ hub, window }: FunnelPlan, from: Expression<unknown>, at: Expression<unknown>) {
  return window === undefined
    ? sql<boolean>`${at} is not null`
    : sql<boolean>`${at} is not null and ${hub.engine.epochSecondsBetween(from, at)} <= ${sql.lit(window)}`
}
