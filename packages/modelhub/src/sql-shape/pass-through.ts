import {
  AliasNode,
  FromNode,
  IdentifierNode,
  type JoinNode,
  type OperationNode,
  RawNode,
  ReferenceNode,
  SelectionNode,
  type SelectQueryNode,
  TableNode,
  ValueNode,
} from 'kysely'
import { mapChildren, onlyParts, outputNames, outputOf, type Source, someBelow, sourceOf, withProps } from './nodes.ts'
import { ownSubqueries } from './reads.ts'

/**
 * Removes the stages that, once pruned, compute nothing, bottom-up:
 * - a FROM subquery `(select a, b from x) as s` that only passes columns on is replaced by `x`
 *   itself (its subquery or table), and the reader's `s.a` becomes `x.a` where that is unambiguous;
 * - a stage renaming the columns of a stage that renames its source's becomes one stage over that
 *   source, which is a pass-through when the renames undo each other (the stored columns' round trip);
 * - `offset null` or `offset 0` (engine.computedOnce's fence on Postgres) goes from a query that
 *   computes nothing, since there is nothing to compute once; either skips no row on any engine;
 * - the query itself, when it passes on, in order, exactly the columns of its one subquery.
 */
export function dropPassThroughs(query: SelectQueryNode): SelectQueryNode {
  return simplify(query).query
}

/**
 * The query simplified; when it was only a pass-through of its one subquery, that subquery, with
 * the name the query gave it (`ownName`).
 */
function simplify(query: SelectQueryNode): { query: SelectQueryNode; ownName?: string } {
  const simplified = composeRenames(dropNoOpFence(withoutPassThroughSources(query)))
  const only = simplified.from?.froms.length === 1 && !simplified.joins?.length ? simplified.from.froms[0] : undefined
  const inner = only && passesOn(simplified) ? sourceOf(only) : undefined
  const names = outputNames(simplified)
  if (inner?.subquery && names && sameList(names, outputNames(inner.subquery))) {
    return { query: inner.subquery, ownName: inner.alias }
  }
  return { query: simplified }
}

/** The query with each FROM/JOIN subquery simplified, and replaced by its own source when it only passes columns on. */
function withoutPassThroughSources(query: SelectQueryNode): SelectQueryNode {
  const subqueries = ownSubqueries(query)
  if (subqueries.size === 0) return query
  const replace = (item: OperationNode): OperationNode => {
    if (!subqueries.has(item)) return item
    const { alias, subquery } = sourceOf(item) as Source & { subquery: SelectQueryNode }
    const { query: stage, ownName } = simplify(subquery)
    const through =
      alias === undefined
        ? undefined
        : passesOn(stage)
          ? replacementFor(query, alias, stage, taken)
          : renamed(query, stage, ownName, taken)
    if (!through) return stage === subquery ? item : AliasNode.create(stage, IdentifierNode.create(alias ?? ''))
    if (through.rename) {
      renames.push([alias as string, through.rename])
      taken.add(through.rename)
    }
    return through.item
  }
  const renames: [string, string][] = []
  const taken = new Set(
    [...(query.from?.froms ?? []), ...(query.joins ?? []).map((j) => j.table)].map((i) => sourceOf(i).alias),
  )
  const froms = query.from?.froms.map(replace)
  const joins = query.joins?.map((join) => {
    const table = replace(join.table)
    return table === join.table ? join : withProps(join, { table } as Partial<JoinNode>)
  })
  let result = withProps(query, { from: froms && FromNode.create(froms), joins })
  for (const [from, to] of renames) result = renameSource(result, from, to)
  return result
}

/** A collapsed stage read under the name its own stage gave it, when the reader can take that name. */
function renamed(
  reader: SelectQueryNode,
  stage: SelectQueryNode,
  ownName: string | undefined,
  taken: ReadonlySet<string | undefined>,
): { item: OperationNode; rename?: string } | undefined {
  if (ownName === undefined || !canRename(reader, ownName, taken)) return undefined
  return { item: AliasNode.create(stage, IdentifierNode.create(ownName)), rename: ownName }
}

/**
 * What replaces a pass-through stage read as `alias`: its own source under the stage's name,
 * or under the source's name (and the reader's references renamed) when no other source has it.
 * Undefined when the source's extra columns could change what the reader sees.
 */
function replacementFor(
  reader: SelectQueryNode,
  alias: string,
  stage: SelectQueryNode,
  taken: ReadonlySet<string | undefined>,
): { item: OperationNode; rename?: string } | undefined {
  const item = stage.from?.froms[0] as OperationNode
  const source = sourceOf(item)
  const passed = outputNames(stage)
  if (passed !== undefined) {
    // Named columns: the source may have more, which a `*` of the reader would see, and which
    // could make an unqualified column of the reader ambiguous between its sources.
    const theirs = source.subquery && outputNames(source.subquery)
    const readsAll = (reader.selections ?? []).some((s) => {
      const output = outputOf(s)
      return output.kind === 'star' && (output.source === undefined || output.source === alias)
    })
    const sources = (reader.from?.froms.length ?? 0) + (reader.joins?.length ?? 0)
    if (readsAll && !sameList(passed, theirs)) return undefined
    if (sources > 1 && !(theirs && sameSet(passed, theirs))) return undefined
  }
  const own = source.alias
  if (own !== undefined && canRename(reader, own, taken)) {
    return { item, rename: own }
  }
  const node = AliasNode.is(item) ? item.node : item
  return { item: AliasNode.create(node, IdentifierNode.create(alias)) }
}

const SELECTS = new Set(['kind', 'from', 'selections'])

/** Whether a query has no clause but its one FROM item and its select items. */
function onlySelects(stage: SelectQueryNode): boolean {
  return onlyParts(stage, SELECTS) && stage.from?.froms.length === 1 && !!stage.selections?.length
}

/** `select x.a, b as b, x.* from <one source x>` and nothing else: every column passed on unchanged. */
function passesOn(stage: SelectQueryNode): boolean {
  if (!onlySelects(stage)) return false
  const { from, selections } = stage as Required<Pick<SelectQueryNode, 'from' | 'selections'>>
  const source = sourceOf(from.froms[0] as OperationNode)
  if (!source.subquery && !source.table) return false
  return selections.every((s) => {
    const output = outputOf(s)
    if (output.kind === 'star') return output.source === undefined || output.source === source.alias
    if (output.kind !== 'column' || !output.plainFrom) return false
    const plain = output.plainFrom
    return plain.column === output.name && (plain.source ?? source.alias) === source.alias
  })
}

/** A column a renaming stage gives: its name, the source's column it reads, and how it reads it. */
interface Renamed {
  readonly name: string
  readonly column: string
  readonly read: OperationNode
}

/** `select x.a as b, c from x` and nothing else: the columns, each read as is, or undefined. */
function renames(stage: SelectQueryNode): { source: Source; columns: Renamed[] } | undefined {
  if (!onlySelects(stage)) return undefined
  const source = sourceOf(stage.from?.froms[0] as OperationNode)
  if (!source.subquery && !source.table) return undefined
  const columns: Renamed[] = []
  for (const selection of stage.selections ?? []) {
    const output = outputOf(selection)
    const plain = output.kind === 'column' ? output.plainFrom : undefined
    if (output.kind !== 'column' || !plain || (plain.source ?? source.alias) !== source.alias) return undefined
    const item = selection.selection
    columns.push({ name: output.name, column: plain.column, read: AliasNode.is(item) ? item.node : item })
  }
  return { source, columns }
}

/**
 * `select b as c from (select a as b from s) as x` as `select a as c from s`: a stage renaming the
 * columns of a stage that only renames its own source's, as one stage reading that source. Its
 * names do not change, so its reader is left as it is. The query itself when it is not so.
 */
function composeRenames(stage: SelectQueryNode): SelectQueryNode {
  const outer = renames(stage)
  const below = outer?.source.subquery
  const inner = below && renames(below)
  if (!outer || !below || !inner) return stage
  const selections: SelectionNode[] = []
  for (const { name, column } of outer.columns) {
    const given = inner.columns.filter((c) => c.name === column)
    if (given.length !== 1) return stage
    selections.push(SelectionNode.create(AliasNode.create(given[0]!.read, IdentifierNode.create(name))))
  }
  return withProps(below, { selections })
}

/** `offset null` or `offset 0` on a query whose items are all plain columns: a fence around nothing. */
function dropNoOpFence(query: SelectQueryNode): SelectQueryNode {
  if (!query.offset || query.limit || !skipsNothing(query.offset.offset)) return query
  const computes = (query.selections ?? []).some((s) => {
    const output = outputOf(s)
    return output.kind === 'unnamed' || (output.kind === 'column' && output.plainFrom === undefined)
  })
  return computes ? query : withProps(query, { offset: undefined })
}

function skipsNothing(node: OperationNode): boolean {
  if (ValueNode.is(node)) return node.value === 0 || node.value === null
  return RawNode.is(node) && node.sqlFragments.every((f) => f === '') && node.parameters.length === 1
    ? skipsNothing(node.parameters[0] as OperationNode)
    : false
}

/**
 * Whether the reader may call a source by the name its own stage gave it (what it holds: the
 * extracted events, not the sessions of a stage that is gone). Not in a join, whose names say
 * each side's role (numerator, denominator), nor where a nested query might mean the old name.
 */
function canRename(reader: SelectQueryNode, name: string, taken: ReadonlySet<string | undefined>): boolean {
  const sources = (reader.from?.froms.length ?? 0) + (reader.joins?.length ?? 0)
  return sources === 1 && !taken.has(name) && !hasNestedQuery(reader)
}

/** Whether a query holds a subquery anywhere but in its FROM and JOIN items. */
function hasNestedQuery(query: SelectQueryNode): boolean {
  const skip = new Set([...(query.from?.froms ?? []), ...(query.joins ?? []).map((j) => j.table)])
  return someBelow(query, (n) => n.kind === 'SelectQueryNode', skip)
}

/** The query with its references `from.column` written `to.column`, outside its FROM subqueries. */
function renameSource(query: SelectQueryNode, from: string, to: string): SelectQueryNode {
  const skip = ownSubqueries(query)
  const rename = (node: OperationNode): OperationNode => {
    if (skip.has(node)) return node
    if (ReferenceNode.is(node) && node.table && node.table.table.identifier.name === from && !node.table.table.schema) {
      return withProps(node, { table: TableNode.create(to) })
    }
    return mapChildren(node, rename)
  }
  return mapChildren(query, rename)
}

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((name, i) => name === b[i])
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name))
}
