import { type Compilable, CompiledQuery, type Kysely } from 'kysely'

interface PlanNode {
  'Node Type': string
  'Hash Cond'?: string
  'Merge Cond'?: string
  'Join Filter'?: string
  'Sort Key'?: string[]
  Plans?: PlanNode[]
}

/** What the report and the plan-shape test look at in a plan. */
export interface PlanShape {
  readonly sorts: number
  readonly windowAggs: number
  readonly joins: number
  /** Joins whose condition names event_id: joining events back to themselves, what the models must never do. */
  readonly eventIdJoins: number
  /** Sorts on (moment, event_id) or (user, moment, event_id): the orders sessionization needs, which models without sessions must not pay for. */
  readonly sessionSorts: number
}

/**
 * A sort key of moment, event_id (whatever the subquery alias) with at most one key before them: the
 * sessionization sorts, all events or each user's. A window over (user, location) ordered the same
 * way (funnelConversion's first visits) is not one.
 */
const sessionOrder = (keys: readonly string[]): boolean =>
  keys.length <= 3 && /(^|\.)moment$/.test(keys.at(-2) ?? '') && /(^|\.)event_id$/.test(keys.at(-1) ?? '')

const JOIN_NODES = new Set(['Hash Join', 'Merge Join', 'Nested Loop'])

async function explain(db: Kysely<any>, query: Compilable | CompiledQuery): Promise<PlanNode> {
  const compiled = 'compile' in query ? query.compile() : query
  const explained = CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters])
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(explained)
  const plan = rows[0]?.['QUERY PLAN']
  // pg parses the json column, PGlite may hand back its text.
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: PlanNode }]
  return parsed[0].Plan
}

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.Plans ?? []) yield* nodes(child)
}

/** How many nodes of each type Postgres' plan for a query has (EXPLAIN (FORMAT JSON)). */
export async function planNodeCounts(
  db: Kysely<any>,
  query: Compilable | CompiledQuery,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const node of nodes(await explain(db, query))) counts[node['Node Type']] = (counts[node['Node Type']] ?? 0) + 1
  return counts
}

/** The Sort, WindowAgg and join nodes of a query's plan. */
export async function planShape(db: Kysely<any>, query: Compilable | CompiledQuery): Promise<PlanShape> {
  let sorts = 0
  let windowAggs = 0
  let joins = 0
  let eventIdJoins = 0
  let sessionSorts = 0
  for (const node of nodes(await explain(db, query))) {
    const type = node['Node Type']
    if (type === 'Sort' || type === 'Incremental Sort') {
      sorts++
      if (sessionOrder(node['Sort Key'] ?? [])) sessionSorts++
    }
    if (type === 'WindowAgg') windowAggs++
    if (JOIN_NODES.has(type)) {
      joins++
      const condition = [node['Hash Cond'], node['Merge Cond'], node['Join Filter']].join(' ')
      if (/\bevent_id\b/.test(condition)) eventIdJoins++
    }
  }
  return { sorts, windowAggs, joins, eventIdJoins, sessionSorts }
}
