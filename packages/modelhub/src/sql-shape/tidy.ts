import {
  AliasNode,
  FromNode,
  type JoinNode,
  type OperationNode,
  ReferenceNode,
  type SelectionNode,
  type SelectQueryNode,
  TableNode,
} from 'kysely'
import { mapChildren, outputOf, someBelow, sourceOf, withProps } from './nodes.ts'
import { ownSubqueries, readsOf } from './reads.ts'

/**
 * Writes each stage of the FROM chain as a person would, without changing its meaning:
 * - `table as table` is `table`;
 * - with one source and no nested query, `source.column` is `column` (unless a column is named
 *   like the source, which some engines would read as the whole row);
 * - `column as column` is `column`.
 */
export function tidy(query: SelectQueryNode): SelectQueryNode {
  const subqueries = ownSubqueries(query)
  const item = (node: OperationNode): OperationNode => {
    if (subqueries.has(node)) {
      const inner = sourceOf(node).subquery as SelectQueryNode
      return withProps(node as AliasNode, { node: tidy(inner) })
    }
    return withoutSelfAlias(node)
  }
  const tidied = withProps(query, {
    from: query.from && FromNode.create(query.from.froms.map(item)),
    joins: query.joins?.map((join) => withProps(join, { table: item(join.table) } as Partial<JoinNode>)),
  })
  const unqualified = onlySourceAlias(tidied)
  const bare = unqualified === undefined ? tidied : withoutQualifier(tidied, unqualified)
  return withProps(bare, { selections: bare.selections?.map(withoutRedundantAlias) })
}

/** `table as table` (no schema) as `table`. */
function withoutSelfAlias(node: OperationNode): OperationNode {
  if (!AliasNode.is(node) || !TableNode.is(node.node) || node.node.table.schema) return node
  const { alias } = sourceOf(node)
  return alias === node.node.table.identifier.name ? node.node : node
}

/** The alias of the query's one source, when its references may drop it. */
function onlySourceAlias(query: SelectQueryNode): string | undefined {
  const items = [...(query.from?.froms ?? []), ...(query.joins ?? []).map((j) => j.table)]
  if (items.length !== 1) return undefined
  const { alias, subquery, table } = sourceOf(items[0] as OperationNode)
  if (alias === undefined || (!subquery && !table)) return undefined
  const reads = readsOf(query, new Set(items))
  if (reads.unqualified.has(alias) || reads.qualified.get(alias) === 'all') return undefined
  if ([...reads.qualified].some(([source, columns]) => source !== alias || columns === 'all' || columns.has(alias))) {
    return undefined
  }
  return hasNestedQuery(query, items) ? undefined : alias
}

function hasNestedQuery(query: SelectQueryNode, skip: readonly OperationNode[]): boolean {
  return someBelow(query, (n) => n.kind === 'SelectQueryNode', new Set(skip))
}

function withoutQualifier(query: SelectQueryNode, alias: string): SelectQueryNode {
  const items = new Set<OperationNode>([...(query.from?.froms ?? [])])
  const visit = (node: OperationNode): OperationNode => {
    if (items.has(node)) return node
    if (
      ReferenceNode.is(node) &&
      node.table &&
      !node.table.table.schema &&
      node.table.table.identifier.name === alias
    ) {
      return withProps(node, { table: undefined })
    }
    return mapChildren(node, visit)
  }
  return mapChildren(query, visit)
}

/** `t.c as c` as `t.c`: the name is the column's. */
function withoutRedundantAlias(selection: SelectionNode): SelectionNode {
  const output = outputOf(selection)
  if (output.kind !== 'column' || output.plainFrom?.column !== output.name || !AliasNode.is(selection.selection)) {
    return selection
  }
  return withProps(selection, { selection: selection.selection.node as SelectionNode['selection'] })
}
