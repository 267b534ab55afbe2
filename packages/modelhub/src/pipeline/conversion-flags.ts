import { AliasNode, type Expression, expressionBuilder, type OperationNode, SelectQueryNode } from 'kysely'
import type { AnyExpressionBuilder, AnyKysely, AnyQuery } from '../hub/any-query.ts'
import type { ConversionEvent } from '../hub/conversions.ts'
import { identifierName, plainReference, sameTree, sourceOf } from '../sql-shape/nodes.ts'
import { asBuilt } from '../sql-shape/readable-sql-plugin.ts'
import { CONVERSION_FLAG, flagsUnder } from './session-keys.ts'

/** Whether an event is the conversion: its test, or the pipeline's flag holding it. */
export type ConversionTest = (eb: AnyExpressionBuilder) => Expression<boolean>

/**
 * The extracted events with a hidden boolean per conversion of the hub whose test reads only the
 * event's type and location stack: the test, computed as the events are extracted. The
 * sessionization sorts then carry a flag rather than the stack, and on Postgres the test runs in
 * the parallel workers that read the JSON. The planner drops the flags no query reads.
 *
 * Shape: select extracted.*, <test> as __conversion_1, … from (<extracted>) as extracted
 */
export function flagConversions(
  db: AnyKysely,
  extracted: AnyQuery,
  conversions: readonly ConversionEvent[],
): { readonly query: AnyQuery; readonly flags: readonly string[] } {
  const flagged = conversions.filter((conversion) => conversion.readsEventOnly)
  if (flagged.length === 0) return { query: extracted, flags: [] }
  const flags = flagged.map((_, i) => `${CONVERSION_FLAG}${i + 1}`)
  const query = db
    .selectFrom(extracted.as('extracted'))
    .selectAll('extracted')
    .select((eb) => flagged.map((conversion, i) => conversion.isConversion(eb).as(flags[i]!)))
  return { query, flags }
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
  const carried = flagsUnder(q)
  // Nothing to compare (a query that is not the pipeline's, a hub without flags): no tree walked.
  if (carried.length === 0 || !conversion.readsEventOnly) return inPlace
  const defined = flagDefinitions(q)
  const wanted = conversion.isConversion(expressionBuilder()).toOperationNode()
  const flag = carried.find((name) => sameTree(defined.get(name), wanted))
  return flag ? (eb) => eb.ref(flag) : inPlace
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
      if (!name?.startsWith(CONVERSION_FLAG) || found.has(name)) continue
      const definition = (selection as AliasNode).node
      if (!plainReference(definition)) found.set(name, definition)
    }
    const from: OperationNode | undefined = node.from?.froms[0]
    const subquery: SelectQueryNode | undefined = from && sourceOf(from).subquery
    node = subquery && (asBuilt(subquery) as OperationNode)
  }
  return found
}
