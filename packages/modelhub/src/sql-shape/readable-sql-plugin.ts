import { type KyselyPlugin, type RootOperationNode, SelectQueryNode } from 'kysely'
import { hoistToCtes, inlineHoisted } from './ctes.ts'
import { dropPassThroughs } from './pass-through.ts'
import { pruneUnread } from './prune.ts'
import { tidy } from './tidy.ts'

/**
 * A select query as a person would write it: only the columns and stages it reads, as named CTEs
 * in data-flow order. Prune (prune.ts), then drop what became pass-through stages
 * (pass-through.ts), write each stage plainly (tidy.ts), then hoist what is left (ctes.ts). The rows, their columns and their order
 * are the query's own; other statements pass unchanged.
 */
export function readableSql(node: RootOperationNode): RootOperationNode {
  if (!SelectQueryNode.is(node)) return node
  return hoistToCtes(tidy(dropPassThroughs(pruneUnread(inlineHoisted(node), 'all'))))
}

const unshapedNodes = new WeakMap<RootOperationNode, RootOperationNode>()

/**
 * The tree a query had before this plugin shaped it (its stages as built, every column there), for
 * code that recognises a query by its structure; the node itself if the plugin did not make it.
 */
export function unshaped(node: RootOperationNode): RootOperationNode {
  return unshapedNodes.get(node) ?? node
}

/**
 * The plugin the hub puts on every query it builds, so the SQL it runs is the SQL `toSql`
 * exports. Kysely runs it on each stage as it is nested in the next one, and on the whole at
 * compile time: each run first puts back the CTEs of the runs before (inlineHoisted), and a stage
 * shaped alone keeps every column it gives, so the last run sees everything.
 *
 * @example const db = kysely.withPlugin(readableSqlPlugin())
 */
export function readableSqlPlugin(): KyselyPlugin {
  return {
    transformQuery: ({ node }) => {
      const shaped = readableSql(node)
      if (shaped !== node) unshapedNodes.set(shaped, node)
      return shaped
    },
    transformResult: async ({ result }) => result,
  }
}
