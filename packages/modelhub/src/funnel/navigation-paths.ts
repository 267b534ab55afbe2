import { invalid, type LocationContext, type LocationStack, windowed } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { type AggregateQuery, aggregateResult } from '../agg/aggregate-query.ts'
import { locationName } from '../agg/location-option.ts'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import { conversionNamed } from '../hub/conversions.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { columnsOf } from '../results/columns-of.ts'
import { typedResult } from '../results/typed-result.ts'
import { type StepColumns, stepColumn } from './step-columns.ts'

/** The largest `steps` accepted: each step is one LEAD (or LAG) column. */
export const MAX_NAVIGATION_STEPS = 30

/** A step value computed from the location stack: a part of it (its nice name) or a text expression. */
export type StepValueFunction = (
  ls: LocationStack<LocationContext>,
  // biome-ignore lint/suspicious/noExplicitAny: a part of the stack holds contexts of any type (ls.from narrows them)
) => LocationStack<any> | Expression<string | null>

/** Where a step's value comes from: a function of the location stack, or a column of the query. */
export type StepValueOption<O> = StepValueFunction | (keyof O & string)

/** The partition of the paths: a column, several, or null for one sequence over all rows. */
export type PathsBy<O> = (keyof O & string) | readonly (keyof O & string)[] | null

export interface NavigationPathsOptions<O, N extends number, L, B, C extends string, A, E> {
  /** How many steps each path has: a whole number from 1 to 30 (a literal gives typed columns). */
  readonly steps: N
  /** Whose paths: 'user_id' (default), another column, several, or null (all rows are one sequence). */
  readonly by?: B
  /**
   * The step value: the nice name of the whole location stack (default), the nice name of a part
   * of it or a text expression (a function of the stack), or a column of the query (its own type;
   * the step columns are then named after it, e.g. `session_hit_number_step_1`).
   */
  readonly locationStack?: L | StepValueFunction
  /** Add `conversion_step`: the first step of the path that is a conversion event (NULL when none). */
  readonly addConversionStepColumn?: A
  /**
   * Only paths that reach a conversion after their first step, with the steps after that conversion
   * set to NULL. With `startFromEnd`: only paths ending at a conversion, the steps at or before the
   * previous conversion set to NULL.
   */
  readonly onlyConvertedPaths?: boolean
  /** The hub's conversion to use; without it the query's boolean column `is_conversion_event` is read. */
  readonly conversionName?: C
  /** Build each path backwards from its event: the event is the last step, the ones before it lead up to it. */
  readonly startFromEnd?: E
  /** Only the paths starting at (with `startFromEnd`: ending at) the first (last) n events of each partition. */
  readonly nExamples?: number
  /** The column that orders each partition (default 'moment'). */
  readonly sortBy?: keyof O & string
}

type ByColumns<O, B> = [B] extends [undefined]
  ? { [P in 'user_id' & keyof O]: NonNullable<O[P]> }
  : [B] extends [null]
    ? {}
    : B extends readonly (infer K)[]
      ? { [P in K & keyof O]: NonNullable<O[P]> }
      : { [P in B & keyof O]: NonNullable<O[P]> }

/**
 * Whether `locationStack` named one column. A function gives `L` no candidate, and TypeScript then
 * falls back to the constraint (every column), which is told apart from one column here.
 */
type NamesColumn<O, L> = [L] extends [string] ? ([keyof O & string] extends [L] ? false : true) : false
type StepPrefix<O, L> = NamesColumn<O, L> extends true ? L & string : 'location_stack'
type StepValue<O, L> = NamesColumn<O, L> extends true ? NonNullable<O[L & keyof O]> : string

/** A row of navigation paths: the partition columns, the step columns and, when asked, `conversion_step`. */
export type NavigationPathRow<O, N extends number, L, B, A, E> = ByColumns<O, B> &
  StepColumns<StepPrefix<O, L>, N, StepValue<O, L>, E> &
  ([A] extends [true] ? { conversion_step: number | null } : {})

/**
 * Objectiv's navigation paths (`FunnelDiscovery.get_navigation_paths`): for each event, the value
 * of its location and of the next `steps - 1` events of its partition (default: the same user).
 *
 * Order within a partition: `sortBy` (default moment), then, on equal moments, the step value
 * itself (Objectiv's rule: text by Unicode code point, the same on every engine and locale; a
 * column's value in its own order), then event_id where the query has it, so the paths never
 * depend on the plan. Events whose step value is NULL (an empty stack or slice) and rows with a
 * NULL partition key (anonymous users) are left out.
 *
 * Rows: one per event, except the last event of a partition of several events (its path would
 * hold only itself); with `startFromEnd` the first event's is left out instead. Sorted by the
 * partition columns, then the position of the path's event in its partition (from the end with
 * `startFromEnd`).
 *
 * Shape: one window pass over the partition, no self-joins:
 *   select <by>, step_1, …, conversion_step from (
 *     select <by>, __step as step_1, lead(__step, 1) over w as step_2, …, lead(__conv, k) over w …,
 *            row_number() over w - 1 as __offset
 *     from (select <by>, <value> as __step, <conversion> as __conv, … from (<q>) offset null) where __step is not null
 *     window w as (partition by <by> order by <sortBy>, <value>, event_id)
 *   ) where (__offset = 0 or step_2 is not null) [and __offset < nExamples] order by <by>, __offset
 *
 * @example hub.funnel.navigationPaths(hub.events(), { steps: 3 })
 */
export function navigationPaths<R, O>(hub: HubContext, q: AnyQuery, options: PathsOptionsOf<O>): AggregateQuery<R> {
  const plan = plannedPaths(hub, q, options)
  const kept = keptPaths(plan, pathWindows(plan, locatedEvents(plan, q)))
  return aggregateResult(sortedPaths(plan, kept))
}

/** The options for rows `O` as the model reads them: the literal types of the public method widened. */
type PathsOptionsOf<O> = NavigationPathsOptions<
  O,
  number,
  string | undefined,
  PathsBy<O> | undefined,
  string,
  boolean | undefined,
  boolean | undefined
>

/** What every stage of the paths' query reads: the checked options and what they imply. */
interface PathsPlan {
  readonly hub: HubContext
  readonly steps: number
  /** The partition columns, and their names inside the query (`__by_0`, …). */
  readonly by: readonly string[]
  readonly byAlias: readonly string[]
  readonly sortBy: string
  readonly withConversionStep: boolean
  readonly onlyConverted: boolean
  readonly fromEnd: boolean
  readonly nExamples: number | undefined
  /** The `locationStack` option: a column's name, a function of the stack, or the whole stack. */
  readonly option: string | StepValueFunction | undefined
  /** The step columns' prefix: the column's name, or `location_stack`. */
  readonly prefix: string
  readonly conversion: ((eb: AnyExpressionBuilder) => Expression<boolean>) | undefined
  readonly tieOnEventId: boolean
  /** The step of the anchor event: 1, or the last with startFromEnd. */
  readonly anchor: number
  /** 1 … steps. */
  readonly stepNumbers: readonly number[]
}

function plannedPaths<O>(hub: HubContext, q: AnyQuery, options: PathsOptionsOf<O>): PathsPlan {
  const steps = options?.steps
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 1 || steps > MAX_NAVIGATION_STEPS) {
    invalid('steps', steps, `expected a whole number from 1 to ${MAX_NAVIGATION_STEPS}`)
  }
  const by = partitionColumns(options.by)
  const sortBy = options.sortBy ?? 'moment'
  if (typeof sortBy !== 'string' || sortBy.length === 0)
    invalid('sortBy', sortBy, 'expected a column name such as "moment"')
  const flag = (name: string, value: unknown): boolean => {
    if (value !== undefined && typeof value !== 'boolean') invalid(name, value, 'expected true or false')
    return value === true
  }
  const withConversionStep = flag('addConversionStepColumn', options.addConversionStepColumn)
  const onlyConverted = flag('onlyConvertedPaths', options.onlyConvertedPaths)
  const fromEnd = flag('startFromEnd', options.startFromEnd)
  const { nExamples } = options
  if (nExamples !== undefined && (typeof nExamples !== 'number' || !Number.isSafeInteger(nExamples) || nExamples < 1)) {
    invalid('nExamples', nExamples, 'expected a whole number of at least 1')
  }
  const option = options.locationStack
  if (option !== undefined && !(typeof option === 'function' || (typeof option === 'string' && option.length > 0))) {
    invalid(
      'locationStack',
      option,
      'expected a function such as (ls) => ls.from({ _type: "LinkContext" }), or the name of a column',
    )
  }
  const known = columnsOf(q)
  return {
    hub,
    steps,
    by,
    byAlias: by.map((_, i) => `__by_${i}`),
    sortBy,
    withConversionStep,
    onlyConverted,
    fromEnd,
    nExamples,
    option,
    prefix: typeof option === 'string' ? option : 'location_stack',
    conversion: conversionOf(hub, options.conversionName, withConversionStep || onlyConverted, known),
    tieOnEventId: sortBy !== 'event_id' && (known?.includes('event_id') ?? false),
    anchor: fromEnd ? steps : 1,
    stepNumbers: Array.from({ length: steps }, (_, i) => i + 1),
  }
}

/** The name of step column k, and of whether the event at step k is a conversion. */
const stepOf = (plan: PathsPlan) => (k: number) => stepColumn(plan.prefix, k)
const conv = (k: number) => `__conv_${k}`

/** Each event's partition keys, sort key, step value and (when needed) conversion flag and event_id. */
function locatedEvents(plan: PathsPlan, q: AnyQuery) {
  const { hub, by, byAlias, sortBy, option, conversion, tieOnEventId } = plan
  return hub.engine.computedOnce(
    hub.db
      .selectFrom(q.as('events'))
      .select((eb) => [
        ...by.map((column, i) => eb.ref(column).as(byAlias[i] as string)),
        eb.ref(sortBy).as('__sort'),
        eb.parens(locationName(hub, eb, option)).as('__step'),
        ...(conversion ? [eb.parens(conversion(eb)).as('__conv')] : []),
        ...(tieOnEventId ? [eb.ref('event_id').as('__event_id')] : []),
      ]),
  )
}

/** The one window pass: per event, the step values (and conversion flags) of its path, and its offset. */
function pathWindows(plan: PathsPlan, located: AnyQuery) {
  const { hub, option, byAlias, fromEnd, anchor, stepNumbers, conversion, tieOnEventId } = plan
  const step = stepOf(plan)
  // Text values tie-break by code point; a column keeps its own order (numbers as numbers).
  const valueOrder = (eb: AnyExpressionBuilder) =>
    typeof option === 'string' ? eb.ref('__step') : hub.engine.codePointOrder(eb.ref('__step'))
  // Partition keys go through engine.groupKey: BigQuery cannot partition or sort by a JSON value.
  const partition = (eb: AnyExpressionBuilder) => byAlias.flatMap((alias) => hub.engine.groupKey(eb.ref(alias)).groupBy)
  const window = <T>(eb: AnyExpressionBuilder, call: Expression<T>): RawBuilder<T> =>
    windowed(eb, call, {
      partitionBy: partition(eb),
      orderBy: ['__sort', valueOrder(eb), ...(tieOnEventId ? ['__event_id'] : [])],
    })
  /** How far each step lies from the anchor event: LEAD forwards, LAG backwards. */
  const shifted = (eb: AnyExpressionBuilder, column: string, k: number): Expression<unknown> => {
    const distance = Math.abs(k - anchor)
    if (distance === 0) return eb.ref(column)
    return window(eb, sql`${sql.raw(fromEnd ? 'lag' : 'lead')}(${eb.ref(column)}, ${sql.lit(distance)})`)
  }
  return hub.db
    .selectFrom(located.as('events'))
    .where((eb) => eb.and([eb('__step', 'is not', null), ...byAlias.map((alias) => eb(alias, 'is not', null))]))
    .select((eb) => [
      ...byAlias.map((alias) => eb.ref(alias).as(alias)),
      ...stepNumbers.map((k) => eb.parens(shifted(eb, '__step', k)).as(step(k))),
      ...(conversion ? stepNumbers.map((k) => eb.parens(shifted(eb, '__conv', k)).as(conv(k))) : []),
      (fromEnd
        ? sql<number>`${windowed(eb, sql`count(*)`, { partitionBy: partition(eb) })} - ${window(eb, sql`row_number()`)}`
        : sql<number>`${window(eb, sql`row_number()`)} - 1`
      ).as('__offset'),
    ])
}

const converts = (eb: AnyExpressionBuilder, k: number) => sql<boolean>`coalesce(${eb.ref(conv(k))}, false)`

/** The first step of the path that is a conversion, NULL when none. */
const firstConversion = ({ stepNumbers }: PathsPlan, eb: AnyExpressionBuilder): RawBuilder<number | null> =>
  sql<number | null>`case ${sql.join(
    stepNumbers.map((k) => sql`when ${converts(eb, k)} then ${sql.lit(k)}`),
    sql` `,
  )} end`

/** The paths worth a row (not a lone last event; nExamples; onlyConvertedPaths), their later steps cut. */
function keptPaths(plan: PathsPlan, paths: AnyQuery) {
  const { hub, by, byAlias, steps, onlyConverted, fromEnd, withConversionStep } = plan
  return hub.db
    .selectFrom(paths.as('paths'))
    .where((eb) => eb.and(keptConditions(plan, eb)))
    .select((eb) => [
      ...by.map((column, i) => eb.ref(byAlias[i] as string).as(column)),
      ...stepValues(plan, eb),
      ...(withConversionStep
        ? [
            (onlyConverted && fromEnd ? sql<number>`${sql.lit(steps)}` : firstConversion(plan, eb)).as(
              'conversion_step',
            ),
          ]
        : []),
      eb.ref('__offset').as('__offset'),
    ])
}

function keptConditions(plan: PathsPlan, eb: AnyExpressionBuilder): Expression<SqlBool>[] {
  const { steps, fromEnd, nExamples, onlyConverted } = plan
  const step = stepOf(plan)
  const neighbour = fromEnd ? steps - 1 : 2
  const conditions: Expression<SqlBool>[] = []
  if (steps > 1) conditions.push(eb.or([eb('__offset', '=', 0), eb(step(neighbour), 'is not', null)]))
  if (nExamples !== undefined) conditions.push(eb('__offset', '<', sql.lit(nExamples)))
  if (onlyConverted && !fromEnd) {
    conditions.push(sql<boolean>`coalesce(${firstConversion(plan, eb)}, 1) > 1`)
  }
  if (onlyConverted && fromEnd) {
    conditions.push(converts(eb, steps))
    if (steps > 1) {
      conditions.push(eb(step(steps - 1), 'is not', null), sql<boolean>`not ${converts(eb, steps - 1)}`)
    } else conditions.push(sql<boolean>`false`)
  }
  return conditions
}

/** The step columns; with onlyConvertedPaths, NULL beyond the conversion (before the previous one from the end). */
function stepValues(plan: PathsPlan, eb: AnyExpressionBuilder) {
  const { steps, stepNumbers, onlyConverted, fromEnd, anchor } = plan
  const step = stepOf(plan)
  /** With onlyConvertedPaths from the end: no conversion among steps k … N-1. */
  const sincePreviousConversion = (k: number) =>
    sql<boolean>`not (${sql.join(
      stepNumbers.slice(k - 1, steps - 1).map((j) => converts(eb, j)),
      sql` or `,
    )})`
  return stepNumbers.map((k) => {
    if (!onlyConverted || k === anchor) return eb.ref(step(k)).as(step(k))
    const keep = fromEnd ? sincePreviousConversion(k) : sql<boolean>`${sql.lit(k)} <= ${firstConversion(plan, eb)}`
    return sql`case when ${keep} then ${eb.ref(step(k))} end`.as(step(k))
  })
}

/** The output columns, typed, sorted by partition, then the event's position in it. */
function sortedPaths(plan: PathsPlan, kept: AnyQuery) {
  const { hub, by, stepNumbers, withConversionStep } = plan
  const output = [...by, ...stepNumbers.map(stepOf(plan)), ...(withConversionStep ? ['conversion_step'] : [])]
  let sorted = typedResult(hub, kept, withConversionStep ? { conversion_step: 'number' } : {}, output)
  // Sorted as partitioned: through engine.groupKey, since BigQuery cannot ORDER BY a JSON value either.
  for (const column of by) {
    for (const key of hub.engine.groupKey(sql.ref(`result.${column}`)).groupBy) sorted = sorted.orderBy(key)
  }
  return sorted.orderBy('result.__offset')
}

function partitionColumns(by: unknown): string[] {
  if (by === undefined) return ['user_id']
  if (by === null) return []
  const columns = Array.isArray(by) ? by : [by]
  if (columns.length === 0 || columns.some((c) => typeof c !== 'string' || c.length === 0)) {
    invalid('by', by, 'expected a column name such as "user_id", an array of them, or null for one sequence')
  }
  const repeated = columns.find((c, i) => columns.indexOf(c) !== i)
  if (repeated) invalid('by', by, `the column "${repeated}" appears twice`)
  return columns as string[]
}

/** The conversion test of a path's events: a named conversion of the hub, or the query's `is_conversion_event`. */
function conversionOf(
  hub: HubContext,
  name: string | undefined,
  needed: boolean,
  known: string[] | undefined,
): ((eb: AnyExpressionBuilder) => Expression<boolean>) | undefined {
  if (name !== undefined) {
    const conversion = conversionNamed(hub.conversions, name)
    return (eb) => conversion.isConversion(eb)
  }
  if (!needed) return undefined
  if (known && !known.includes('is_conversion_event')) {
    invalid(
      'navigationPaths input',
      known,
      'The is_conversion_event column is missing in the dataframe: add it with hub.map.isConversionEvent(q, name), or pass conversionName',
    )
  }
  return (eb) => eb.ref('is_conversion_event')
}
