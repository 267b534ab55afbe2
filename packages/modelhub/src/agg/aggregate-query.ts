import { type AliasedExpression, type Expression, expressionBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { Flatten } from '../pipeline/objectiv-event.ts'
import { typedResult } from '../results/typed-result.ts'
import { type GroupBy, type GroupKey, groupKeys } from './group-by.ts'

/**
 * A distinct count labels its keys after grouping (group-by.ts, GroupKey.label): the pairs group
 * on a period's start, and the count formats it once per group. (BigQuery does not let a select
 * apply a function to a GROUP BY expression, so `aggregate` below groups on the label itself.)
 */
const LABELS_LATE = { labelsLate: true } as const

/** A key's value in the result, from its grouped value (engine.groupKey: BigQuery selects a JSON key itself). */
function labelled(hub: HubContext, key: GroupKey, grouped: Expression<unknown>): Expression<unknown> {
  return key.label ? key.label(grouped) : hub.engine.groupKey(grouped).select
}

/** What a key groups on (engine.groupKey: BigQuery groups a JSON key by its text). */
function grouping(hub: HubContext, key: GroupKey, grouped: Expression<unknown>): readonly Expression<unknown>[] {
  return key.label ? [grouped] : hub.engine.groupKey(grouped).groupBy
}

/** What an aggregation model returns: a query over its result rows, filterable and sortable by column. */
export type AggregateQuery<R> = SelectQueryBuilder<{ result: Flatten<R> }, 'result', Flatten<R>>

/**
 * A model's finished query (typed-result.ts) given the row type `R` the model declares. Its
 * columns are named by the options at run time, so Kysely cannot infer them: every aggregation
 * model ends here, the one place that asserts its result type.
 */
export function aggregateResult<R>(q: AnyQuery): AggregateQuery<R> {
  return q as AggregateQuery<R>
}

/**
 * Groups the rows of `q` by the resolved keys and computes `values` (numbers), then selects the
 * result again, the values as numbers on every driver (typed-result.ts), so its columns can be
 * used in where/orderBy.
 *
 * Shape: select <keys>, <values as numbers> from (select <keys>, <values> from (<q>) as events group by <keys>) as result
 */
export function aggregate<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
  aggregated: readonly string[],
  values: (eb: EventsExpressionBuilder) => Record<string, Expression<unknown>>,
): AggregateQuery<R> {
  // Keys go through engine.groupKey: BigQuery groups a JSON key (a global context, a location
  // stack) by its text and selects the value itself; Postgres groups the value.
  const grouped = hub.db.selectFrom(q.as('events')).select((eb) => {
    const keys = groupKeys(hub, eb, groupBy, aggregated)
    return [
      ...keys.map((key) => eb.parens(hub.engine.groupKey(key.expression).select).as(key.name)),
      ...Object.entries(values(eb)).map(([name, value]) => eb.parens(value).as(name)),
    ]
  })
  const withGroups = grouped.groupBy((eb) =>
    groupKeys(hub, eb, groupBy, aggregated).flatMap((key) => hub.engine.groupKey(key.expression).groupBy),
  )
  const keyless = groupBy === null
  const numbers = Object.keys(values(expressionBuilder())).map((name) => [name, 'number'] as const)
  return aggregateResult(typedResult(hub, keyless ? grouped : withGroups, Object.fromEntries(numbers)))
}

/**
 * Per group, how many distinct values (a tuple of `columns`: a user, a session key) the rows of `q`
 * hold, as `name`; a single column's NULL is not counted, as by count(distinct). Two GROUP BYs: the
 * distinct (keys, value) pairs, then a count per keys. Postgres hashes both, where count(distinct)
 * sorts every row (docs/performance.md); BigQuery plans them alike.
 *
 * Shape: select <keys>, count(<value>) as <name> from (
 *          select <keys>, <value> from (<q>) as events group by <keys>, <value>) as pairs
 *        group by <keys>
 */
export function countDistinct<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
  columns: readonly [string, ...string[]],
  name: string,
  aggregated: readonly string[] = columns,
): AggregateQuery<R> {
  const { pairs, keys } = distinctPairs(hub, q, groupBy, columns, aggregated)
  // A label takes its key's name, so GROUP BY <name> may mean either: Postgres reads the pairs'
  // column, BigQuery the label; labels name periods one to one, so the groups are the same.
  const counted = hub.db
    .selectFrom(pairs.as('pairs'))
    .select((eb) => [
      ...labelledKeys(hub, keys, eb),
      (columns.length === 1 ? sql<number>`count(${eb.ref(columns[0])})` : sql<number>`count(*)`).as(name),
    ])
  return aggregateResult(typedResult(hub, groupedByKeys(hub, counted, keys), { [name]: 'number' }))
}

/**
 * The distinct (keys, `columns`) pairs of `q`, by one GROUP BY, with the keys they are counted by
 * (their labels come later: labelledKeys). `more` aggregates each pair's rows into columns of
 * their own.
 *
 * Shape: select <keys>, <columns>, <more> from (<q>) as events group by <keys>, <columns>
 */
export function distinctPairs(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
  columns: readonly string[],
  aggregated: readonly string[],
  more: (eb: EventsExpressionBuilder) => Record<string, Expression<unknown>> = () => ({}),
): { readonly pairs: AnyQuery; readonly keys: readonly GroupKey[] } {
  const { engine } = hub
  const keysOf = (eb: Parameters<typeof groupKeys>[1]) => groupKeys(hub, eb, groupBy, aggregated, LABELS_LATE)
  const pairs = hub.db
    .selectFrom(q.as('events'))
    .select((eb) => [
      ...keysOf(eb).map((key) => eb.parens(engine.groupKey(key.expression).select).as(key.name)),
      ...columns.map((column) => eb.ref(column).as(column)),
      ...Object.entries(more(eb)).map(([name, value]) => eb.parens(value).as(name)),
    ])
    .groupBy((eb) => [...keysOf(eb).flatMap((key) => engine.groupKey(key.expression).groupBy), ...columns])
  return { pairs, keys: keysOf(expressionBuilder()) }
}

/** The keys of distinctPairs as the result names them, each from the pairs' column of its name. */
export function labelledKeys(
  hub: HubContext,
  keys: readonly GroupKey[],
  eb: AnyExpressionBuilder,
): AliasedExpression<unknown, string>[] {
  return keys.map((key) => eb.parens(labelled(hub, key, eb.ref(key.name))).as(key.name))
}

/** A count over distinctPairs grouped by its keys (none: one row). */
export function groupedByKeys(hub: HubContext, counted: AnyQuery, keys: readonly GroupKey[]): AnyQuery {
  return keys.length === 0
    ? counted
    : counted.groupBy((eb) => keys.flatMap((key) => grouping(hub, key, eb.ref(key.name))))
}
