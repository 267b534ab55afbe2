import { type Expression, expressionBuilder, type SelectQueryBuilder } from 'kysely'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { Flatten } from '../pipeline/objectiv-event.ts'
import { typedResult } from '../results/typed-result.ts'
import { type GroupBy, groupKeys } from './group-by.ts'

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
