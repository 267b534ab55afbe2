import {
  AliasNode,
  ColumnNode,
  IdentifierNode,
  type OperationNode,
  RawNode,
  ReferenceNode,
  type SelectQueryNode,
} from 'kysely'
import { childrenOf, sourceOf, tableName } from './nodes.ts'

/** The columns read from one source: some by name, or every one (`*`, or we cannot tell). */
export type Columns = ReadonlySet<string> | 'all'

/** What a query's own clauses read: `source.column`, unqualified `column`, and `source.*`. */
export interface Reads {
  readonly qualified: Map<string, Set<string> | 'all'>
  readonly unqualified: Set<string>
}

/**
 * The FROM and JOIN subqueries of a query that their reader may narrow: every one but a lateral
 * join's, which reads the columns of the sources before it.
 */
export function ownSubqueries(query: SelectQueryNode): Set<OperationNode> {
  const items = new Set<OperationNode>()
  for (const item of query.from?.froms ?? []) if (sourceOf(item).subquery) items.add(item)
  for (const join of query.joins ?? []) {
    if (!join.joinType.startsWith('Lateral') && sourceOf(join.table).subquery) items.add(join.table)
  }
  return items
}

/**
 * Every column reference in `node`, except inside the nodes of `skip` (a query's own FROM
 * subqueries, whose references are their own). Nested subqueries elsewhere (scalar, EXISTS, IN)
 * count in full: a correlated one reads the outer sources, and reading too much is always safe.
 */
export function readsOf(node: OperationNode, skip: ReadonlySet<OperationNode>): Reads {
  const reads: Reads = { qualified: new Map(), unqualified: new Set() }
  const visit = (n: OperationNode): void => {
    if (skip.has(n)) return
    // An alias names what the node gives; it reads nothing (`x as moment` does not read moment).
    if (AliasNode.is(n)) {
      visit(n.node)
      return
    }
    if (ReferenceNode.is(n)) {
      const column = ColumnNode.is(n.column) ? n.column.column.name : undefined
      if (!n.table) {
        if (column !== undefined) reads.unqualified.add(column)
        return
      }
      const source = tableName(n.table)
      const known = reads.qualified.get(source) ?? new Set<string>()
      if (column === undefined || known === 'all') reads.qualified.set(source, 'all')
      else reads.qualified.set(source, known.add(column))
      return
    }
    if (ColumnNode.is(n)) {
      reads.unqualified.add(n.column.name)
      return
    }
    if (IdentifierNode.is(n)) reads.unqualified.add(n.name)
    // Raw SQL text (a user's sql`count(*) filter (where event_type = …)`) may name any column: each
    // word in it counts as read, unqualified, from every source.
    if (RawNode.is(n)) for (const word of rawWords(n.sqlFragments)) reads.unqualified.add(word)
    for (const child of childrenOf(n)) visit(child)
  }
  visit(node)
  return reads
}

export function union(a: Columns, b: Iterable<string> | 'all'): Columns {
  if (a === 'all' || b === 'all') return 'all'
  return new Set([...a, ...b])
}

/**
 * The words of a RawNode's fragments, read once per fragments array: a sql`…` template's array is
 * the same object on every call, so the hub's own templates are scanned once per process.
 */
function rawWords(fragments: readonly string[]): readonly string[] {
  let words = wordsOfFragments.get(fragments)
  if (!words) {
    words = fragments.flatMap(wordsOf)
    wordsOfFragments.set(fragments, words)
  }
  return words
}

const wordsOfFragments = new WeakMap<readonly string[], readonly string[]>()

/**
 * The identifier-like words of a raw SQL fragment, bare or double-quoted, outside its string
 * literals: `date_trunc('day', …)` reads no column named day.
 */
function wordsOf(fragment: string): string[] {
  return [...outsideStrings(fragment).matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)].map(
    (m) => m[1]?.replaceAll('""', '"') ?? (m[2] as string),
  )
}

/** A literal's length where a backslash escapes (E'…', BigQuery) and where it does not (standard SQL). */
const ESCAPED = /^'(?:[^'\\]|\\[\s\S]|'')*'/
const PLAIN = /^'(?:[^']|'')*'/

/**
 * The fragment with its string literals blanked. Identifiers ("…", `…`) are kept whole, so a quote
 * inside one starts no literal. Where a literal's end depends on the dialect (a backslash before a
 * quote), the rest is kept as it is: reading too much is safe, too little is not.
 */
function outsideStrings(fragment: string): string {
  let kept = ''
  let i = 0
  while (i < fragment.length) {
    const char = fragment[i] as string
    if (char === '"' || char === '`') {
      const end = fragment.indexOf(char, i + 1)
      if (end < 0) return kept + fragment.slice(i)
      kept += fragment.slice(i, end + 1)
      i = end + 1
    } else if (char === "'") {
      const rest = fragment.slice(i)
      const [escaped, plain] = [ESCAPED.exec(rest)?.[0], PLAIN.exec(rest)?.[0]]
      if (escaped === undefined || escaped !== plain) return kept + rest
      kept += ' '
      i += plain.length
    } else {
      kept += char
      i++
    }
  }
  return kept
}
