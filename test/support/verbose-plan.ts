import { type Compilable, CompiledQuery, type Kysely } from 'kysely'

/** Postgres' verbose plan of a query as text (EXPLAIN (VERBOSE)): every expression each node computes. */
export async function verbosePlan(db: Kysely<any>, query: Compilable): Promise<string> {
  const compiled = query.compile()
  const explain = CompiledQuery.raw(`explain (verbose, format text) ${compiled.sql}`, [...compiled.parameters])
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(explain)
  return rows.map((row) => row['QUERY PLAN']).join('\n')
}

const indent = (line: string): number => line.length - line.trimStart().length

/**
 * How many plan nodes compute a location's nice name (a subplan holding ' located at ') for the
 * rows they read. A subplan under an aggregate node (e.g. in its HAVING filter) runs once per
 * group, not per event, and is not counted.
 */
export function niceNamesPerEvent(plan: string): number {
  const lines = plan.split('\n')
  let count = 0
  lines.forEach((line, i) => {
    if (!/^\s*SubPlan \d+$/.test(line)) return
    const depth = indent(line)
    const end = lines.findIndex((next, j) => j > i && indent(next) <= depth)
    const body = lines.slice(i + 1, end === -1 ? undefined : end)
    if (!body.some((l) => l.includes("' located at '"))) return
    // A node's properties and subplans sit 6 columns right of its '->' (2 for the top node).
    const parent = lines
      .slice(0, i)
      .reverse()
      .find((l) => (depth === 2 ? indent(l) === 0 : indent(l) === depth - 6 && l.trimStart().startsWith('->')))
    const node =
      parent
        ?.trimStart()
        .replace(/^->\s+/, '')
        .split('  (')[0] ?? ''
    if (!/Aggregate$/.test(node)) count += 1
  })
  return count
}
