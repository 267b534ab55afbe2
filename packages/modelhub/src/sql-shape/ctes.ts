import {
  AliasNode,
  CommonTableExpressionNameNode,
  CommonTableExpressionNode,
  FromNode,
  IdentifierNode,
  type JoinNode,
  type OperationNode,
  ReferenceNode,
  SelectQueryNode,
  TableNode,
  WithNode,
} from 'kysely'
import { childrenOf, type Source, sourceOf, tableName, withProps } from './nodes.ts'
import { ownSubqueries } from './reads.ts'

/**
 * Turns the nested FROM subqueries of a query into top-level CTEs in data-flow order (a stage's
 * sources before it), each named after the name its reader gave it: `with extracted as (…),
 * events as (…) select … from events`. A name is never one of a table the query reads, nor
 * taken twice (`events_2`). Only the FROM chain from the top is hoisted: a subquery in an
 * expression, a lateral join's, and one with its own WITH stay where they are. Each CTE is read
 * once, so Postgres (12+) inlines it and plans the query as before.
 */
export function hoistToCtes(query: SelectQueryNode): SelectQueryNode {
  const taken = readNames(query)
  const ctes: CommonTableExpressionNode[] = []
  const nameFor = (alias: string | undefined): string => {
    const base = alias ?? 'stage'
    let name = base
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`
    taken.add(name)
    return name
  }
  const hoist = (stage: SelectQueryNode): SelectQueryNode => {
    const subqueries = ownSubqueries(stage)
    if (subqueries.size === 0) return stage
    const replace = (item: OperationNode): OperationNode => {
      if (!subqueries.has(item)) return item
      const { alias, subquery } = sourceOf(item) as Source & { subquery: SelectQueryNode }
      const body = subquery.with ? subquery : hoist(subquery)
      const name = nameFor(alias)
      const cte = CommonTableExpressionNode.create(CommonTableExpressionNameNode.create(name), body)
      hoisted.add(cte)
      ctes.push(cte)
      const table = TableNode.create(name)
      return alias === undefined || alias === name ? table : AliasNode.create(table, IdentifierNode.create(alias))
    }
    return withProps(stage, {
      from: stage.from && FromNode.create(stage.from.froms.map(replace)),
      joins: stage.joins?.map((join) => {
        const table = replace(join.table)
        return table === join.table ? join : withProps(join, { table } as Partial<JoinNode>)
      }),
    })
  }
  const top = hoist(query)
  if (ctes.length === 0) return query
  return withProps(top, { with: withExpressions([...(query.with?.expressions ?? []), ...ctes], query.with?.recursive) })
}

/** The CTEs hoistToCtes made, told apart from a query's own (a user's, materialize's). */
const hoisted = new WeakSet<OperationNode>()

/**
 * The inverse of {@link hoistToCtes}: each CTE it made back in the FROM item that reads it. Kysely
 * shapes every query the hub builds, also each one it nests in another (a stage's `toOperationNode`
 * runs the plugins), so a stage arrives hoisted and is nested again before the whole is shaped.
 */
export function inlineHoisted(
  query: SelectQueryNode,
  outer: ReadonlyMap<string, SelectQueryNode> = new Map(),
): SelectQueryNode {
  const own = (query.with?.expressions ?? []).filter((cte) => hoisted.has(cte))
  let bodies = outer
  let stage = query
  if (own.length > 0) {
    const more = new Map(outer)
    for (const cte of own) more.set(tableName(cte.name.table), cte.expression as SelectQueryNode)
    bodies = more
    const rest = (query.with?.expressions ?? []).filter((cte) => !hoisted.has(cte))
    stage = withProps(query, { with: rest.length ? withExpressions(rest, query.with?.recursive) : undefined })
  }
  const inline = (item: OperationNode): OperationNode => {
    const source = sourceOf(item)
    if (source.subquery)
      return AliasNode.create(inlineHoisted(source.subquery, bodies), IdentifierNode.create(source.alias ?? ''))
    const body = source.table && !source.table.table.schema ? bodies.get(tableName(source.table)) : undefined
    if (!body || source.alias === undefined) return item
    return AliasNode.create(inlineHoisted(body, bodies), IdentifierNode.create(source.alias))
  }
  return withProps(stage, {
    from: stage.from && FromNode.create(stage.from.froms.map(inline)),
    joins: stage.joins?.map((join) =>
      join.joinType.startsWith('Lateral') ? join : withProps(join, { table: inline(join.table) } as Partial<JoinNode>),
    ),
  })
}

function withExpressions(expressions: readonly CommonTableExpressionNode[], recursive?: boolean): WithNode {
  return expressions
    .slice(1)
    .reduce(
      (node, cte) => WithNode.cloneWithExpression(node, cte),
      WithNode.create(expressions[0] as CommonTableExpressionNode, recursive ? { recursive } : {}),
    )
}

/**
 * Names a CTE must not take: every table the query reads anywhere (TableNodes, and identifiers in
 * FROM items written as SQL, such as a quoted BigQuery path) and the query's own CTEs.
 */
function readNames(query: SelectQueryNode): Set<string> {
  const names = new Set<string>()
  const visit = (node: OperationNode, inFromItem: boolean): void => {
    if (ReferenceNode.is(node)) return
    if (TableNode.is(node)) names.add(tableName(node))
    else if (inFromItem && IdentifierNode.is(node)) names.add(node.name)
    if (SelectQueryNode.is(node)) {
      const items = [...(node.from?.froms ?? []), ...(node.joins ?? []).map((j) => j.table)]
      for (const item of items) {
        const source = sourceOf(item)
        if (!source.subquery && !source.table) visit(item, true)
      }
    }
    for (const child of childrenOf(node)) visit(child, inFromItem)
  }
  visit(query, false)
  for (const cte of query.with?.expressions ?? []) names.add(tableName(cte.name.table))
  return names
}
