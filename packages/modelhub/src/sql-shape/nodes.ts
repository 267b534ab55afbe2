import {
  AliasNode,
  ColumnNode,
  IdentifierNode,
  type OperationNode,
  RawNode,
  ReferenceNode,
  SelectAllNode,
  type SelectionNode,
  SelectQueryNode,
  TableNode,
} from 'kysely'

/**
 * Reading Kysely's query trees generically: every node is a plain frozen object whose `kind` names
 * it, so a walk over its properties reaches every child, including the references inside `sql```
 * templates (RawNode parameters), which a typed visitor for each node kind would have to list.
 */

export function isNode(value: unknown): value is OperationNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
}

/** The direct children of a node, in property order. */
export function childrenOf(node: OperationNode): OperationNode[] {
  const children: OperationNode[] = []
  for (const key in node) {
    const value = (node as unknown as Record<string, unknown>)[key]
    if (isNode(value)) children.push(value)
    else if (Array.isArray(value)) for (const item of value) if (isNode(item)) children.push(item)
  }
  return children
}

/**
 * Whether a query uses no part but those named (`kind`, `from`, `selections`, …): an empty list
 * counts as absent. Any other part (WHERE, GROUP BY, LIMIT, …, and whatever a later Kysely adds)
 * may change what the query's rows are.
 */
export function onlyParts(query: OperationNode, allowed: ReadonlySet<string>): boolean {
  return Object.entries(query).every(
    ([part, value]) => allowed.has(part) || value === undefined || (Array.isArray(value) && value.length === 0),
  )
}

/** Whether `test` holds for a node of the tree under `node` (not `node` itself), not looking inside `skip`. */
export function someBelow(
  node: OperationNode,
  test: (n: OperationNode) => boolean,
  skip?: ReadonlySet<OperationNode>,
): boolean {
  for (const child of childrenOf(node)) {
    if (skip?.has(child)) continue
    if (test(child) || someBelow(child, test, skip)) return true
  }
  return false
}

/**
 * Whether two trees are the same: the same kinds, names and values throughout (built alike).
 * Objects other than plain ones and arrays (a Date, a Buffer) are the same only when identical.
 */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!isPlain(a) || !isPlain(b) || Array.isArray(a) !== Array.isArray(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  return keys.every((key) => key in y && sameTree(x[key], y[key]))
}

function isPlain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return Array.isArray(value) || prototype === Object.prototype || prototype === null
}

/** A copy of `node` with `replace` applied to each direct child; the same object when nothing changed. */
export function mapChildren<N extends OperationNode>(node: N, replace: (child: OperationNode) => OperationNode): N {
  let copy: Record<string, unknown> | undefined
  const record = node as unknown as Record<string, unknown>
  for (const key in record) {
    const value = record[key]
    let next: unknown = value
    if (isNode(value)) next = replace(value)
    else if (Array.isArray(value) && value.some(isNode)) {
      const items = value.map((item) => (isNode(item) ? replace(item) : item))
      if (items.some((item, i) => item !== value[i])) next = items
    }
    if (next !== value) {
      copy ??= { ...record }
      copy[key] = next
    }
  }
  return copy ? (Object.freeze(copy) as unknown as N) : node
}

/** A copy of a node with some properties replaced (undefined removes one). */
export function withProps<N extends OperationNode>(node: N, props: Partial<N>): N {
  const copy: Record<string, unknown> = { ...node, ...props }
  for (const key of Object.keys(props)) if (copy[key] === undefined) delete copy[key]
  return Object.freeze(copy) as N
}

export function identifierName(node: OperationNode): string | undefined {
  return IdentifierNode.is(node) ? node.name : undefined
}

/** `name` of a table node; schema-qualified tables count by their own name. */
export function tableName(node: TableNode): string {
  return node.table.identifier.name
}

/** What a select item gives its reader: a named column, every column (of one source or all), or no usable name. */
export type Output =
  | { readonly kind: 'column'; readonly name: string; readonly plainFrom?: PlainReference }
  | { readonly kind: 'star'; readonly source?: string }
  | { readonly kind: 'unnamed' }

/** A column read as is: `source.column` or `column`. */
export interface PlainReference {
  readonly source?: string
  readonly column: string
}

/** The column a node reads as is, if it is a plain reference. */
export function plainReference(node: OperationNode): PlainReference | undefined {
  // sql`${ref}`: an engine's conversion that is nothing on this engine.
  if (RawNode.is(node) && node.parameters.length === 1 && node.sqlFragments.every((f) => f.trim() === '')) {
    return plainReference(node.parameters[0] as OperationNode)
  }
  if (ColumnNode.is(node)) return { column: node.column.name }
  if (ReferenceNode.is(node) && ColumnNode.is(node.column)) {
    return { source: node.table ? tableName(node.table) : undefined, column: node.column.column.name }
  }
  return undefined
}

export function outputOf(selection: SelectionNode): Output {
  const item = selection.selection
  if (SelectAllNode.is(item)) return { kind: 'star' }
  if (ReferenceNode.is(item) && SelectAllNode.is(item.column)) {
    return { kind: 'star', source: item.table ? tableName(item.table) : undefined }
  }
  if (AliasNode.is(item)) {
    const name = identifierName(item.alias)
    return name === undefined ? { kind: 'unnamed' } : { kind: 'column', name, plainFrom: plainReference(item.node) }
  }
  const plain = plainReference(item)
  return plain ? { kind: 'column', name: plain.column, plainFrom: plain } : { kind: 'unnamed' }
}

/** The names a query's rows have, in order; undefined when a `*` or an unnamed item makes them unknown here. */
export function outputNames(query: SelectQueryNode): string[] | undefined {
  const names: string[] = []
  for (const selection of query.selections ?? []) {
    const output = outputOf(selection)
    if (output.kind !== 'column') return undefined
    names.push(output.name)
  }
  return names
}

/** A FROM or JOIN item: what it reads (a subquery, a table, or anything else) under which name. */
export interface Source {
  readonly alias?: string
  readonly subquery?: SelectQueryNode
  readonly table?: TableNode
}

export function sourceOf(item: OperationNode): Source {
  if (TableNode.is(item)) return { alias: tableName(item), table: item }
  if (AliasNode.is(item)) {
    const alias = identifierName(item.alias)
    if (SelectQueryNode.is(item.node)) return { alias, subquery: item.node }
    if (TableNode.is(item.node)) return { alias, table: item.node }
    return { alias }
  }
  return {}
}
