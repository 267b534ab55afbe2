import { type Compilable, CompiledQuery, type Kysely } from 'kysely'

interface PlanNode {
  'Node Type': string
  Plans?: PlanNode[]
}

/** How many nodes of each type Postgres' plan for a query has (EXPLAIN (FORMAT JSON)). */
export async function planNodeCounts(db: Kysely<any>, query: Compilable): Promise<Record<string, number>> {
  const compiled = query.compile()
  const explain = CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters])
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(explain)
  const plan = rows[0]?.['QUERY PLAN']
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: PlanNode }]
  const counts: Record<string, number> = {}
  const visit = (node: PlanNode) => {
    counts[node['Node Type']] = (counts[node['Node Type']] ?? 0) + 1
    node.Plans?.forEach(visit)
  }
  visit(parsed[0].Plan)
  return counts
}
