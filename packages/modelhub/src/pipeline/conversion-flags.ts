import { type AliasableExpression, AliasNode, expressionBuilder, type OperationNode, SelectQueryNode } from 'kysely'
import type { AnyExpressionBuilder, AnyKysely, AnyQuery } from '../hub/any-query.ts'
import type { ConversionEvent } from '../hub/conversions.ts'
import { identifierName, plainReference, sameTree, sourceOf } from '../sql-shape/nodes.ts'
import { asBuilt } from '../sql-shape/readable-sql-plugin.ts'
import { CONVERSION_FLAG, flagsUnder, isEventFlag } from './session-keys.ts'

/** A value of each event, built from its columns (unqualified, so two builds compare equal). */
export type EventValue<T = unknown> = (eb: AnyExpressionBuilder) => AliasableExpression<T>

/** Whether an event is the conversion: its test, or the pipeline's flag holding it. */
export type ConversionTest = EventValue<boolean>

/**
 * The extracted events with a hidden boolean per conversion of the hub whose test reads only the
 * event's type and location stack: the test, computed as the events are extracted, and with the
 * event values given (feature-values.ts), computed there too. The sessionization sorts then carry a
 * flag rather than the stack it tests, and on Postgres the tests run in the parallel workers that
 * read the JSON. The planner drops the flags no query reads.
 *
 * Shape: select extracted.*, <test> as __conversion_1, …, <value> as __event_… from (<extracted>) as extracted
 */
export function flagEvents(
  db: AnyKysely,
  extracted: AnyQuery,
  conversions: readonly ConversionEvent[],
  values: Readonly<Record<string, EventValue>> = {},
): { readonly query: AnyQuery; readonly flags: readonly string[] } {
  const flagged = conversions.filter((conversion) => conversion.readsEventOnly)
  const computed: [string, EventValue][] = [
    ...flagged.map((conversion, i): [string, EventValue] => [
      `${CONVERSION_FLAG}${i + 1}`,
      (eb) => conversion.isConversion(eb),
    ]),
    ...Object.entries(values),
  ]
  if (computed.length === 0) return { query: extracted, flags: [] }
  const query = db
    .selectFrom(extracted.as('extracted'))
    .selectAll('extracted')
    .select((eb) => computed.map(([name, value]) => value(eb).as(name)))
  return { query, flags: computed.map(([name]) => name) }
}

/**
 * The conversion test over the rows of `q`: the pipeline's flag when `q` carries one computed by an
 * equal definition, otherwise the test itself. The query the test is applied to must select the
 * flags under `q` (flagsUnder): the map helpers and sessionsOf do. Keyed by the definition, not the
 * name: two hubs may give one name to different conversions, and a query of one may meet the
 * models of the other.
 */
export function conversionTest(q: AnyQuery, conversion: ConversionEvent): ConversionTest {
  const inPlace: ConversionTest = (eb) => conversion.isConversion(eb)
  return conversion.readsEventOnly ? carriedValue(q, inPlace) : inPlace
}

/**
 * A value of each event over the rows of `q`: the pipeline's flag or event value when `q` carries
 * one with an equal definition (built by the same function), otherwise the value itself. As for
 * conversionTest, the query it is applied to must select the flags under `q`.
 */
export function carriedValue<T>(q: AnyQuery, value: EventValue<T>): EventValue<T> {
  const inPlace: EventValue<T> = (eb) => value(eb)
  const carried = flagsUnder(q)
  // Nothing to compare (a query that is not the pipeline's, a hub without flags): no tree walked.
  if (carried.length === 0) return inPlace
  const defined = flagDefinitions(q)
  const wanted = value(expressionBuilder()).toOperationNode()
  const flag = carried.find((name) => sameTree(defined.get(name), wanted))
  return flag ? (eb) => eb.ref(flag) as AliasableExpression<T> : inPlace
}

/**
 * The flags' definitions, down the chain of subqueries under `q`: at each name, the first
 * expression that is not the column carried on from below.
 */
function flagDefinitions(q: AnyQuery): Map<string, OperationNode> {
  const found = new Map<string, OperationNode>()
  let node: OperationNode | undefined = asBuilt(q.toOperationNode())
  while (node && SelectQueryNode.is(node)) {
    for (const { selection } of node.selections ?? []) {
      const name = AliasNode.is(selection) ? identifierName(selection.alias) : undefined
      if (!name || !isEventFlag(name) || found.has(name)) continue
      const definition = (selection as AliasNode).node
      if (!plainReference(definition)) found.set(name, definition)
    }
    const from: OperationNode | undefined = node.from?.froms[0]
    const subquery: SelectQueryNode | undefined = from && sourceOf(from).subquery
    node = subquery && (asBuilt(subquery) as OperationNode)
  }
  return found
}
