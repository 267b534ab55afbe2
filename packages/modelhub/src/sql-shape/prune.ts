import { FromNode, type JoinNode, type OperationNode, type SelectionNode, type SelectQueryNode } from 'kysely'
import { outputOf, sourceOf, withProps } from './nodes.ts'
import { type Columns, ownSubqueries, readsOf, union } from './reads.ts'

/**
 * Drops, top-down, the select items of FROM and JOIN subqueries that nothing outside them reads,
 * so each stage carries only the columns the query uses and the window passes behind unread
 * columns disappear from the SQL (not only from the plan, where Postgres already drops them).
 *
 * Rows never change: an item is dropped only from a query whose rows do not depend on its items —
 * one with GROUP BY, or one that selects a plain column (so it does not aggregate) — never under
 * DISTINCT or a set operation, and never the last item. What a query reads from its sources is
 * over-approximated: an unqualified column counts for every source, `source.*` and `*` pass on what
 * the reader reads, and anything we cannot name is kept.
 *
 * @param read the columns the query's reader reads from it; 'all' for the query the user gets.
 */
export function pruneUnread(query: SelectQueryNode, read: Columns): SelectQueryNode {
  const selections = kept(query, read)
  const narrowed = selections === query.selections ? query : withProps(query, { selections })
  const subqueries = ownSubqueries(narrowed)
  if (subqueries.size === 0) return narrowed
  const named = new Set<string>()
  const stars: (string | undefined)[] = []
  // The query's own `source.*` items are read below through what the reader reads, not in full.
  const ownStars = new Set<OperationNode>()
  for (const selection of selections ?? []) {
    const output = outputOf(selection)
    if (output.kind === 'column') named.add(output.name)
    if (output.kind === 'star') {
      stars.push(output.source)
      ownStars.add(selection)
    }
  }
  const reads = readsOf(narrowed, new Set([...subqueries, ...ownStars]))
  // What the reader reads and no named item gives comes through a star.
  const throughStar: Columns = read === 'all' ? 'all' : new Set([...read].filter((c) => !named.has(c)))
  const readFrom = (alias: string | undefined): Columns => {
    let columns: Columns = new Set(reads.unqualified)
    const qualified = alias === undefined ? 'all' : reads.qualified.get(alias)
    if (qualified) columns = union(columns, qualified)
    if (stars.some((star) => star === undefined || star === alias)) columns = union(columns, throughStar)
    return columns
  }
  const narrow = (item: OperationNode): OperationNode => {
    if (!subqueries.has(item)) return item
    const source = sourceOf(item)
    const inner = pruneUnread(source.subquery as SelectQueryNode, readFrom(source.alias))
    return inner === source.subquery ? item : withProps(item, { node: inner } as never)
  }
  return withProps(narrowed, {
    from: narrowed.from && FromNode.create(narrowed.from.froms.map(narrow)),
    joins: narrowed.joins?.map((join) => {
      const table = narrow(join.table)
      return table === join.table ? join : withProps(join, { table } as Partial<JoinNode>)
    }),
  })
}

/** The select items a reader needs (the same array when all are). */
function kept(query: SelectQueryNode, read: Columns): readonly SelectionNode[] | undefined {
  const all = query.selections
  if (read === 'all' || !all || !rowsIndependentOfItems(query)) return all
  // ORDER BY, GROUP BY and HAVING may name an item by its alias.
  const ownClauses = [query.orderBy, query.groupBy, query.having].filter((n) => n !== undefined)
  const byAlias = new Set<string>()
  for (const clause of ownClauses) for (const c of readsOf(clause, new Set()).unqualified) byAlias.add(c)
  const needed = all.filter((selection) => {
    const output = outputOf(selection)
    return output.kind !== 'column' || read.has(output.name) || byAlias.has(output.name)
  })
  if (needed.length === all.length) return all
  return needed.length > 0 ? needed : all.slice(0, 1)
}

/** Whether dropping a select item leaves the rows as they are. */
function rowsIndependentOfItems(query: SelectQueryNode): boolean {
  if (query.setOperations?.length || query.distinctOn?.length) return false
  if (query.frontModifiers?.some((m) => m.modifier === 'Distinct')) return false
  if (query.groupBy) return true
  // A query selecting a plain column (or `*`) does not aggregate, unless HAVING makes it.
  return (
    !query.having &&
    (query.selections ?? []).some((s) => {
      const output = outputOf(s)
      return output.kind === 'star' || (output.kind === 'column' && output.plainFrom !== undefined)
    })
  )
}
