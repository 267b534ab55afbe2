import type { OperationNode, SelectQueryNode } from 'kysely'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'
import { onlyParts, outputNames } from '../sql-shape/nodes.ts'
import { asBuilt } from '../sql-shape/readable-sql-plugin.ts'

/** The user a session belongs to, before anonymization (so anonymous users' sessions stay apart). */
export const SESSION_USER = '__session_user'
/** The session's number within its user: 1 for the first, in order of time. */
export const USER_SESSION = '__user_session'

/** TRUE on the event that starts its session (its user's first, or after a gap). */
export const SESSION_START = '__session_start'

/** The moment of the user's previous event (as stored), NULL on their first. */
export const PREVIOUS_MOMENT = '__previous_moment'

/** Conversion flags (conversion-flags.ts) are hidden columns named `__conversion_1`, `__conversion_2`, … */
export const CONVERSION_FLAG = '__conversion_'

/** Other values of the event alone computed as it is extracted (feature-values.ts) are named `__event_…`. */
export const EVENT_VALUE = '__event_'

/** The columns that together name a session, as session_id does. */
export const SESSION_KEY = [SESSION_USER, USER_SESSION] as const

/**
 * `moment` and `user_id` as stored (after anonymization), beside events()'s typed ones: the same
 * instants and the same users, without the conversions the typed columns cost on every event.
 */
export const STORED = { moment: '__stored_moment', user_id: '__stored_user_id' } as const

// biome-ignore lint/suspicious/noExplicitAny: a loose view of Kysely's operation tree: each step checks `kind` before reading a field
type Node = Record<string, any>

/**
 * `q` with the session key columns selected too, when it reads the hub's events pipeline directly
 * (`hub.events()`, possibly filtered, ordered or with fewer columns); otherwise undefined.
 *
 * The keys come from the per-user sessionization pass, whereas session_id numbers sessions over
 * all users and costs a sort of every event. A model that needs sessions only as groups, or in
 * order within a user, reads the keys, and the database skips that sort. The pipeline is
 * recognised by its columns, so this holds for queries rebuilt by Kysely plugins as well. `more`
 * names other hidden columns to select with them.
 */
export function withSessionKeys(q: AnyQuery, more: readonly string[] = []): AnyQuery | undefined {
  return withPipelineColumns(q, [...SESSION_KEY, ...more])
}

/** Whether a column is one of the values computed as the events are extracted: a flag or an event value. */
export const isEventFlag = (column: string): boolean =>
  column.startsWith(CONVERSION_FLAG) || column.startsWith(EVENT_VALUE)

/**
 * The conversion flags and event values `q` can read, when it reads the pipeline (or a map helper's
 * result over it) directly. Whoever reads them selects them (withSessionKeys, withPipelineColumns),
 * and a map helper carries them on, so the helpers over its result can read them too.
 */
export function flagsUnder(q: AnyQuery): string[] {
  return (pipelineColumnsUnder(q) ?? []).filter(isEventFlag)
}

/** `q` with these hidden columns of the pipeline selected too, when it reads the pipeline directly. */
export function withPipelineColumns(q: AnyQuery, hidden: readonly string[]): AnyQuery | undefined {
  const inner = pipelineColumnsUnder(q)
  if (!inner || !hidden.every((column) => inner.includes(column))) return undefined
  return q.select(hidden.map((column) => `events.${column}`))
}

/**
 * The columns of the query `q` reads, hidden ones included, when `q` reads the events pipeline (or
 * a map helper's result over it) directly: a select of plain columns from one subquery named
 * `events`, keeping its rows one to one. Otherwise undefined.
 */
export function pipelineColumnsUnder(q: AnyQuery): readonly string[] | undefined {
  // As built: the readable-SQL plugin drops the keys that the query itself does not read.
  const node = asBuilt(q.toOperationNode()) as Node
  const froms = (node.from?.froms ?? []) as Node[]
  if (node.kind !== 'SelectQueryNode' || froms.length !== 1 || node.joins?.length) return undefined
  // Grouped or distinct rows have no single session each; set operations add rows of other sources.
  if (node.groupBy || node.having || node.distinctOn || node.setOperations?.length) return undefined
  if (
    node.selections?.some(
      (s: Node) => s.selection?.kind !== 'ReferenceNode' || s.selection.column?.kind !== 'ColumnNode',
    )
  ) {
    return undefined
  }
  const [from] = froms as [Node]
  const inner = from.kind === 'AliasNode' && from.alias?.name === 'events' ? asBuilt(from.node) : undefined
  return inner?.kind === 'SelectQueryNode' ? (outputNames(inner as SelectQueryNode) ?? []) : undefined
}

/**
 * The parts of a select that keep its FROM's rows as they are. Any other (WHERE, GROUP BY,
 * DISTINCT, LIMIT, joins, …, and whatever a later Kysely adds) may drop, add or merge rows.
 */
const ROW_KEEPING = new Set(['kind', 'from', 'selections', 'orderBy'])

/**
 * Whether `q` gives every row of the events pipeline: `hub.events()` itself, or with fewer
 * columns, another order or columns added by map helpers, but nothing filtered out at any level.
 * Then each user's rows hold their first session, so its key's number is 1 (USER_SESSION) and a
 * model need not look for the lowest.
 */
export function wholePipeline(q: AnyQuery): boolean {
  let node = asBuilt(q.toOperationNode()) as Node
  for (;;) {
    if (node.kind !== 'SelectQueryNode') return false
    if (!onlyParts(node as OperationNode, ROW_KEEPING)) return false
    const froms = (node.from?.froms ?? []) as Node[]
    const [from] = froms
    if (froms.length !== 1 || from?.kind !== 'AliasNode') return false
    // The pipeline's last stage (events.ts, typedOutput): the stored columns, over its sessions.
    if (from.alias?.name === 'sessions' && outputNames(node as SelectQueryNode)?.includes(STORED.moment)) return true
    node = asBuilt(from.node) as Node
  }
}

/**
 * `q` with its session key's user, the session start flag, the previous event's moment and the
 * stored moment and user_id selected too, when `q` holds every row of the pipeline (wholePipeline):
 * then a user's sessions are counted by their starts, and sessions per period by their first hits
 * in it.
 */
export function withSessionStarts(q: AnyQuery): AnyQuery | undefined {
  const columns = [SESSION_USER, SESSION_START, PREVIOUS_MOMENT, ...Object.values(STORED)]
  return wholePipeline(q) ? withPipelineColumns(q, columns) : undefined
}

/**
 * The rows of `q` with `moment` and `user_id` as stored, when `q` reads the events pipeline
 * directly (otherwise `q` itself): for models that only group, count and compare them, never
 * return them. User filters in `q` still apply to the typed columns; `keep` names columns to leave
 * typed (a model's group keys, which it returns).
 */
export function storedEvents(db: AnyKysely, q: AnyQuery, keep: readonly string[] = []): AnyQuery {
  const columns = outputNames(asBuilt(q.toOperationNode()) as SelectQueryNode)
  const stored = columns && withPipelineColumns(q, Object.values(STORED))
  if (!columns || !stored) return q
  return db.selectFrom(stored.as('events')).select((eb) =>
    columns.map((column) => {
      const swapped = column in STORED && !keep.includes(column)
      return eb.ref(`events.${swapped ? STORED[column as keyof typeof STORED] : column}`).as(column)
    }),
  )
}

/**
 * What a model groups sessions by: over the events pipeline its session keys (and `q` with them
 * selected), otherwise session_id (and `q` as it is). Both name the same groups.
 */
export function sessionsOf(
  q: AnyQuery,
  more: readonly string[] = [],
): {
  readonly query: AnyQuery
  readonly session: readonly string[]
} {
  const keyed = withSessionKeys(q, more)
  if (keyed) return { query: keyed, session: SESSION_KEY }
  return { query: (more.length > 0 && withPipelineColumns(q, more)) || q, session: ['session_id'] }
}
