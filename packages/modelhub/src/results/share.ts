import { type Compilable, ExpressionWrapper, type OperationNode, SelectQueryNode } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { addColumn } from '../map/add-column.ts'
import { onlyParts, outputOf, someBelow, sourceOf } from '../sql-shape/nodes.ts'
import { asBuilt } from '../sql-shape/readable-sql-plugin.ts'
import { readsOf } from '../sql-shape/reads.ts'
import { columnsOf } from './columns-of.ts'

/**
 * How a model that can give a share made its query: `divide(a, b)` asks for a share when `a` is
 * the model of `b` over some of the rows `b` counts, as the notebook's new-user share is:
 * `uniqueUsers(isNewUser(events).where('is_new_user', '=', true))` over `uniqueUsers(events)`.
 * Joined, the two counts read and sessionize the events twice; the share counts both in one pass.
 */
export interface ShareRecipe {
  readonly hub: HubContext
  /** The query the model counted. */
  readonly source: AnyQuery
  /** The same model, with the same options, over another query. */
  count(source: AnyQuery): AnyQuery
  /** Over `source`: the count on rows whose column `flag` is TRUE over the count on all (agg/distinct-share.ts). */
  share(source: AnyQuery, flag: string): AnyQuery
}

const recipes = new WeakMap<object, ShareRecipe>()

/** The column marking the numerator's rows among the denominator's. */
const NUMERATOR_ROW = '__numerator_row'

/** Records how `query` was made, so that divide can ask for its share (the query itself is returned). */
export function shareable<Q extends object>(query: Q, recipe: ShareRecipe): Q {
  recipes.set(query, recipe)
  return query
}

/**
 * `divide(a, b)` as one pass, when that gives the same rows, else undefined: both are a model's
 * queries as it returned them, `a`'s input is a query `x` filtered by one WHERE, and the SQL
 * itself shows that `a` is `b`'s model over `x.where(…)` and `b` is that model over `x`. Then the
 * rows of `a` are those of `b` on which the WHERE holds, and the share flags them.
 */
export function shareOf(a: AnyQuery, b: AnyQuery): AnyQuery | undefined {
  const numerator = recipes.get(a)
  const denominator = recipes.get(b)
  const filter = numerator && filterOf(numerator.source)
  if (!denominator || !filter) return undefined
  const all = numerator.source.clearWhere()
  if (!sameSql(() => denominator.count(numerator.source), a) || !sameSql(() => denominator.count(all), b)) {
    return undefined
  }
  const holds = () => new ExpressionWrapper<never, never, boolean>(filter)
  // Computed like a map helper's column: over the pipeline, the stored columns are carried on.
  return denominator.share(addColumn(denominator.hub, all, NUMERATOR_ROW, holds, holds), NUMERATOR_ROW)
}

/** A filter's parts: its rows are its source's on which the WHERE holds (ORDER BY changes no row). */
const FILTER_PARTS = new Set(['kind', 'from', 'selections', 'orderBy', 'where'])

/**
 * The WHERE condition of `q` when `q` is only that filter over one subquery named `events`: its
 * items are that subquery's columns under their own names, and its condition reads only them and
 * holds no query. Then the condition means the same over `q`'s rows without it. Else undefined.
 */
function filterOf(q: AnyQuery): OperationNode | undefined {
  const node = asBuilt(q.toOperationNode())
  if (!SelectQueryNode.is(node) || !node.where) return undefined
  if (!onlyParts(node, FILTER_PARTS)) return undefined
  const { from, selections, where } = node
  const source = from?.froms.length === 1 ? sourceOf(from.froms[0] as OperationNode) : undefined
  if (!source?.subquery || source.alias !== 'events') return undefined
  const passed = (selections ?? []).every((selection) => {
    const output = outputOf(selection)
    if (output.kind === 'star') return output.source === undefined || output.source === 'events'
    if (output.kind !== 'column' || !output.plainFrom) return false
    const plain = output.plainFrom
    return plain.column === output.name && (plain.source ?? 'events') === 'events'
  })
  const columns = columnsOf(q)
  const condition = where.where
  const isQuery = (n: OperationNode) => SelectQueryNode.is(n)
  if (!passed || !columns || isQuery(condition) || someBelow(condition, isQuery)) return undefined
  const reads = readsOf(condition, new Set())
  const known = (names: Iterable<string>) => [...names].every((name) => columns.includes(name))
  const qualified = [...reads.qualified].every(
    ([table, names]) => table === 'events' && names !== 'all' && known(names),
  )
  return qualified && known(reads.unqualified) ? condition : undefined
}

/**
 * Whether the query `rebuilt` makes compiles to the same SQL, with the same parameters, as `b`:
 * then they give the same rows. A model that refuses the other input (its options check it) is
 * not the same query: the division is joined, as without this shortcut.
 */
function sameSql(rebuilt: () => Compilable, b: Compilable): boolean {
  let a: Compilable
  try {
    a = rebuilt()
  } catch {
    return false
  }
  const [x, y] = [a.compile(), b.compile()]
  return (
    x.sql === y.sql &&
    x.parameters.length === y.parameters.length &&
    x.parameters.every((value, i) => sameValue(value, y.parameters[i]))
  )
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return false
}
