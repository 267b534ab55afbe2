import {
  AliasNode,
  FromNode,
  type JoinNode,
  type KyselyPlugin,
  type OperationNode,
  type RootOperationNode,
  SelectQueryNode,
} from 'kysely'
import { hoistToCtes, inlineHoisted } from './ctes.ts'
import { withProps } from './nodes.ts'
import { dropPassThroughs } from './pass-through.ts'
import { pruneUnread } from './prune.ts'
import { tidy } from './tidy.ts'

/**
 * A select query as a person would write it: only the columns and stages it reads, as named CTEs
 * in data-flow order. Prune (prune.ts), then drop what became pass-through stages
 * (pass-through.ts), write each stage plainly (tidy.ts), then hoist what is left (ctes.ts). The
 * rows, their columns and their order are the query's own.
 */
export function readableSql(query: SelectQueryNode): SelectQueryNode {
  const known = shapedNodes.get(query)
  if (known) return known
  const built = asBuiltTree(query)
  // inlineHoisted: a tree shaped already (e.g. read from a lazy node and built on) is flattened first.
  const shaped = hoistToCtes(tidy(dropPassThroughs(pruneUnread(inlineHoisted(built), 'all'))))
  shapedNodes.set(query, shaped)
  return shaped
}

const shapedNodes = new WeakMap<OperationNode, SelectQueryNode>()

/** The node as built, for each lazily shaped node the plugin gave out. */
const builtNodes = new WeakMap<OperationNode, SelectQueryNode>()

/**
 * The query shaped when first read. Kysely runs a builder's plugins each time the builder becomes
 * a node (`toOperationNode`): as a stage is nested in the next one, and once more for the whole
 * query at compile time. Only the last is shaped (by the compiler reading it); the others are
 * nested as they are, and unwrapped by the next run, so compiling costs one pass, not one per stage.
 */
function lazilyShaped(query: SelectQueryNode): SelectQueryNode {
  let shaped: SelectQueryNode | undefined
  const target = (): SelectQueryNode => {
    shaped ??= readableSql(query)
    return shaped
  }
  const lazy = new Proxy({ kind: 'SelectQueryNode' } as SelectQueryNode, {
    get: (_, key) => (key === 'kind' ? 'SelectQueryNode' : Reflect.get(target(), key)),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
      return descriptor && { ...descriptor, configurable: true }
    },
  })
  builtNodes.set(lazy, query)
  return lazy
}

/**
 * The FROM chain of a query as built: each lazily shaped stage in it replaced by the node its
 * builder made. A query elsewhere (a CTE of its own, a scalar or IN subquery, a set operation's
 * branch, a lateral join) stays as it is, and is shaped on its own when compiled.
 */
function asBuiltTree(node: SelectQueryNode): SelectQueryNode {
  const query = builtNodes.get(node) ?? node
  const unwrap = (item: OperationNode): OperationNode => {
    if (!AliasNode.is(item) || !SelectQueryNode.is(item.node)) return item
    return AliasNode.create(asBuiltTree(item.node), item.alias)
  }
  return withProps(query, {
    from: query.from && FromNode.create(query.from.froms.map(unwrap)),
    joins: query.joins?.map((join) =>
      join.joinType.startsWith('Lateral') ? join : withProps(join, { table: unwrap(join.table) } as Partial<JoinNode>),
    ),
  })
}

/**
 * A node as its builder made it, before this plugin (its stages as built, every column there), for
 * code that recognises a query by its structure; apply it again to each nested query read.
 */
export function asBuilt<N extends OperationNode>(node: N): N | SelectQueryNode {
  return builtNodes.get(node) ?? node
}

/**
 * The plugin the hub puts on every query it builds, so the SQL it runs is the SQL `toSql`
 * exports. Other statements (create table as, raw SQL) pass unchanged; a select nested in them is
 * shaped on its own.
 *
 * @example const shaped = db.withPlugin(readableSqlPlugin())
 */
export function readableSqlPlugin(): KyselyPlugin {
  return {
    transformQuery: ({ node }) => (SelectQueryNode.is(node) ? lazilyShaped(node) : node) as RootOperationNode,
    transformResult: async ({ result }) => result,
  }
}
