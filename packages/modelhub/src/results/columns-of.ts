import { invalid } from '@kysely-modelhub/core'
import type { Compilable, OperationNode, OperationNodeSource } from 'kysely'
import { asBuilt } from '../sql-shape/readable-sql-plugin.ts'

// biome-ignore lint/suspicious/noExplicitAny: a loose view of Kysely's operation tree: each step checks `kind` before reading a field
type Node = OperationNode & Record<string, any>

/**
 * The output column names of a query, read from Kysely's operation tree: aliases, plain column
 * references, and `t.*` of derived tables whose own columns are known. Models need this to pass
 * a query's columns through a step that adds helper columns of its own, and to find the key
 * columns of an aggregate. Undefined when a column cannot be known (e.g. `*` of a real table).
 */
export function columnsOf(query: OperationNodeSource): string[] | undefined {
  return selectColumns(query.toOperationNode() as Node)
}

/** {@link columnsOf}, or an error naming the model that needs to know them. */
export function requireColumnsOf(query: OperationNodeSource & Compilable, model: string): string[] {
  const columns = columnsOf(query)
  if (columns) return columns
  return invalid(
    `${model} input`,
    'a query selecting * of a table',
    'its columns must be known: select them by name (e.g. .select([...])) or start from hub.events()',
  )
}

function selectColumns(shaped: Node): string[] | undefined {
  // As built: shaped, the stages are CTEs, whose columns a `t.*` would hide.
  const node = asBuilt(shaped) as Node
  if (node.kind !== 'SelectQueryNode') return undefined
  const sources = fromItems(node)
  const columns: string[] = []
  for (const selection of (node.selections ?? []) as Node[]) {
    const found = selectionColumns(selection.selection as Node, sources)
    if (!found) return undefined
    columns.push(...found)
  }
  return columns
}

/** The derived tables of a FROM and its joins, by alias. */
function fromItems(node: Node): Map<string, Node | undefined> {
  const items = new Map<string, Node | undefined>()
  const add = (item: Node) => {
    if (item.kind === 'AliasNode' && item.alias?.kind === 'IdentifierNode') {
      items.set(item.alias.name, item.node?.kind === 'SelectQueryNode' ? item.node : undefined)
    } else if (item.kind === 'TableNode') {
      items.set(item.table.identifier.name, undefined)
    }
  }
  for (const item of (node.from?.froms ?? []) as Node[]) add(item)
  for (const join of (node.joins ?? []) as Node[]) add(join.table)
  return items
}

function selectionColumns(selection: Node, sources: Map<string, Node | undefined>): string[] | undefined {
  if (selection.kind === 'AliasNode')
    return selection.alias?.kind === 'IdentifierNode' ? [selection.alias.name] : undefined
  if (selection.kind === 'SelectAllNode') {
    if (sources.size !== 1) return undefined
    const [only] = sources.values()
    return only ? selectColumns(only) : undefined
  }
  if (selection.kind === 'ReferenceNode') {
    if (selection.column.kind === 'ColumnNode') return [selection.column.column.name]
    const table = selection.table?.table?.identifier?.name
    const source = table === undefined ? undefined : sources.get(table)
    return source ? selectColumns(source) : undefined
  }
  return undefined
}
