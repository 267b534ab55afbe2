import {
  invalid,
  type JsonMatch,
  type LocationContext,
  type LocationStack,
  locationStack,
  type WindowFrame,
  windowed,
} from '@kysely-modelhub/core'
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely'
import { type AggregateQuery, aggregateResult } from '../agg/aggregate-query.ts'
import { type GroupBy, groupKeys } from '../agg/group-by.ts'
import type { AnyExpressionBuilder, AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { typedResult } from '../results/typed-result.ts'

/**
 * One step of an ordered funnel: a match on the location stack (the event's stack has an element
 * with these values, e.g. `{ _type: 'LinkContext', id: 'Quickstart Guide' }`), or a predicate on
 * the event row, e.g. `(eb) => eb('event_type', '=', 'PressEvent')`.
 */
export type FunnelStep =
  | JsonMatch
  | ((eb: EventsExpressionBuilder, ls: LocationStack<LocationContext>) => Expression<SqlBool | null>)

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

const MAX_STEPS = 20

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
 * Rows: one per group and step, sorted by the group keys, then step; groups without a step-1
 * event have no rows.
 *
 * Shape: window passes only (no self-joins), with g = dense_rank() over (partition by user order by moment):
 *   pass p computes, for each step k > p, the earliest moment the chain of steps k-p+1 … k can finish at
 *   from an event's moment: min(case when step_{k-p+1} then <previous pass> end)
 *     over (partition by user order by g range between current row | 1 following and unbounded following);
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
  const finished = finishTimes(funnel, flaggedEvents(funnel, q))
  const counted = countedPerStep(funnel, bestStartPerUser(funnel, finished))
  return aggregateResult(oneRowPerStep(funnel, counted))
}

/** What every stage of the funnel's query reads: the checked options and the names of its columns. */
interface FunnelPlan {
  readonly hub: HubContext
  readonly steps: readonly FunnelStep[]
  readonly by: string
  readonly window: number | undefined
  readonly keys: ReturnType<typeof groupKeys>
  /** The group keys' columns inside the query: `__key_0`, … */
  readonly keyAlias: readonly string[]
  /** 1 … number of steps. */
  readonly numbers: readonly number[]
  /** Per step: whether it repeats an earlier step, so must happen strictly later than the step before. */
  readonly strict: readonly boolean[]
}

/** The column saying whether an event matches step i. */
const flag = (i: number) => `__s_${i}`
/** H(k, i): the earliest moment steps i+1 … k can be done by, after an event at this row's moment as step i. */
const finish = (k: number, i: number) => `__t_${k}_${i}`

function plannedFunnel(
  hub: HubContext,
  options: OrderedStepsOptions<string | undefined, GroupBy<Record<string, unknown>>>,
): FunnelPlan {
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
  const keys = groupKeys(hub, expressionBuilder(), options.groupBy ?? null, [by])
  const numbers = Array.from({ length: steps.length }, (_, i) => i + 1)
  const strict = numbers.map((i) => i > 1 && steps.slice(0, i - 1).some((earlier) => sameStep(earlier, steps[i - 1])))
  return { hub, steps, by, window, keys, keyAlias: keys.map((_, i) => `__key_${i}`), numbers, strict }
}

/** The events of known users: their user, moment, group keys and whether they match each step. */
function flaggedEvents({ hub, steps, by, keys, keyAlias, numbers }: FunnelPlan, q: AnyQuery) {
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

/**
 * The window passes: pass p adds H(k, k-p) for every step k > p, the min over the later events
 * (by moment rank g) that match step k-p+1 of the previous pass's H; H(k, 1) is then how early
 * the chain of steps 1 … k finishes from a step-1 event.
 */
function finishTimes(funnel: FunnelPlan, flagged: AnyQuery): AnyQuery {
  const { hub, keyAlias, numbers, strict } = funnel
  const base = ['__by', '__moment', ...keyAlias, ...numbers.map(flag)]
  let level: AnyQuery = hub.db
    .selectFrom(flagged.as('events'))
    .select((eb) => [
      ...base.map((c) => eb.ref(c).as(c)),
      windowed(eb, sql<number>`dense_rank()`, { partitionBy: ['__by'], orderBy: ['__moment'] }).as('__g'),
    ])
  /** H(k, 1) of the passes so far. */
  const finished: string[] = []
  const frameOf = (i: number): WindowFrame =>
    strict[i - 1]
      ? { kind: 'range', start: { following: 1 }, end: 'unbounded following' }
      : { kind: 'range', start: 'current row', end: 'unbounded following' }
  for (let p = 1; p < numbers.length; p++) {
    const previous = level
    const computed = numbers.filter((k) => k > p)
    const carried = [...finished]
    level = hub.db.selectFrom(previous.as('events')).select((eb) => [
      ...[...base, '__g', ...carried].map((c) => eb.ref(c).as(c)),
      ...computed.map((k) => {
        const i = k - p
        const next = i + 1
        const value = next === k ? eb.ref('__moment') : eb.ref(finish(k, next))
        return windowed(eb, sql`min(case when ${eb.ref(flag(next))} then ${value} end)`, {
          partitionBy: ['__by'],
          orderBy: ['__g'],
          frame: frameOf(next),
        }).as(finish(k, i))
      }),
    ])
    finished.push(finish(p + 1, 1))
  }
  return level
}

/** The furthest step a start reaches: the last k whose chain finishes (within the conversion window). */
function reachedCase({ hub, window, numbers }: FunnelPlan, eb: AnyExpressionBuilder) {
  if (numbers.length === 1) return sql<number>`1`
  const within = (k: number) => {
    const at = eb.ref(finish(k, 1))
    return window === undefined
      ? sql<boolean>`${at} is not null`
      : sql<boolean>`${at} is not null and ${hub.engine.epochSecondsBetween(eb.ref('__moment'), at)} <= ${sql.lit(window)}`
  }
  const arms = numbers
    .slice(1)
    .reverse()
    .map((k) => sql`when ${within(k)} then ${sql.lit(k)}`)
  return sql<number>`case ${sql.join(arms, sql` `)} else 1 end`
}

/** Each start's furthest step, then per user the best start (the earliest on ties) and its group: rank 1. */
function bestStartPerUser(funnel: FunnelPlan, finished: AnyQuery) {
  const { hub, keyAlias } = funnel
  const starts = hub.db
    .selectFrom(finished.as('events'))
    .where((eb) => eb.and([eb(eb.ref(flag(1)), '=', true), ...keyAlias.map((alias) => eb(alias, 'is not', null))]))
    .select((eb) => [
      ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
      eb.ref('__by').as('__by'),
      eb.ref('__moment').as('__moment'),
      reachedCase(funnel, eb).as('__reached'),
    ])
  return hub.db.selectFrom(starts.as('starts')).select((eb) => [
    ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
    eb.ref('__reached').as('__reached'),
    windowed(eb, sql<number>`row_number()`, {
      partitionBy: ['__by'],
      orderBy: [
        { by: '__reached', direction: 'desc' },
        '__moment',
        ...keyAlias.map((alias) => hub.engine.codePointOrder(hub.engine.toText(eb.ref(alias)))),
      ],
    }).as('__rank'),
  ])
}

/** Per group, the users who reached each step: one row with `__n_1` … `__n_<steps>`. */
function countedPerStep({ hub, keyAlias, numbers }: FunnelPlan, best: AnyQuery) {
  return (
    hub.db
      .selectFrom(best.as('users'))
      .where('__rank', '=', 1)
      .select((eb) => [
        ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
        ...numbers.map((k) =>
          sql<number>`count(case when ${eb.ref('__reached')} >= ${sql.lit(k)} then 1 end)`.as(`__n_${k}`),
        ),
      ])
      .$call((query) => (keyAlias.length ? query.groupBy([...keyAlias]) : query))
      // Keyless: count(...) always gives one row; keep it only when some user started the funnel.
      .$call((query) => (keyAlias.length ? query : query.having(sql<boolean>`count(*) > 0`)))
  )
}

/** One row per step: the counts once, crossed with the step numbers (a UNION ALL of constants), sorted. */
function oneRowPerStep({ hub, keys, keyAlias, numbers }: FunnelPlan, counted: AnyQuery) {
  const ratio = (numerator: Expression<number>, denominator: Expression<number>) =>
    sql<number | null>`1.0 * ${numerator} / nullif(${denominator}, 0)`
  const stepRows = numbers
    .map((k) => hub.db.selectNoFrom(sql<number>`${sql.lit(k)}`.as('step')))
    .reduce((all, next) => all.unionAll(next))
  const pick = (eb: AnyExpressionBuilder, at: (k: number) => Expression<unknown>) =>
    sql`case ${eb.ref('steps.step')} ${sql.join(
      numbers.map((k) => sql`when ${sql.lit(k)} then ${at(k)}`),
      sql` `,
    )} end`
  const unioned = hub.db
    .selectFrom([counted.as('counted'), stepRows.as('steps')])
    .select((eb) => [
      ...keys.map((key, i) => eb.ref(`counted.${keyAlias[i]}`).as(key.name)),
      eb.ref('steps.step').as('step'),
      pick(eb, (k) => eb.ref(`counted.__n_${k}`)).as('n_users'),
      pick(eb, (k) => (k === 1 ? sql`1.0` : ratio(eb.ref(`counted.__n_${k}`), eb.ref(`counted.__n_${k - 1}`)))).as(
        'step_conversion_rate',
      ),
      pick(eb, (k) => (k === 1 ? sql`1.0` : ratio(eb.ref(`counted.__n_${k}`), eb.ref('counted.__n_1')))).as(
        'full_conversion_rate',
      ),
    ])
  return [...keys.map((key) => key.name), 'step'].reduce(
    (query, column) => query.orderBy(column),
    typedResult(hub, unioned, {
      step: 'number',
      n_users: 'number',
      step_conversion_rate: 'number',
      full_conversion_rate: 'number',
    }),
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
