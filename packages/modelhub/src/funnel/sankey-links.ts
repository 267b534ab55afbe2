import { invalid } from '@kysely-modelhub/core'

/** A link of a Sankey diagram: how often `target` came right after `source`. */
export interface SankeyLink {
  source: string
  target: string
  value: number
}

export interface SankeyLinksOptions {
  /** Count only the n most frequent whole paths (ties: the greater step values first, NULL greatest, as Objectiv). */
  readonly nTopExamples?: number
}

const STEP_COLUMN = /^(.+)_step_(\d+)$/

/**
 * The links of a Sankey diagram of navigation paths (Objectiv's `_construct_source_target_df`):
 * for each path and each pair of consecutive non-NULL steps, one `source → target`, summed over
 * the paths. Sorted by value (largest first), then source and target (code-point order).
 * Values are shown as text (`String(value)`), so paths of a numeric column work too.
 *
 * @example hub.funnel.sankeyLinks(await hub.funnel.navigationPaths(hub.events(), { steps: 3 }).execute())
 */
export function sankeyLinks(rows: readonly Record<string, unknown>[], options: SankeyLinksOptions = {}): SankeyLink[] {
  const { nTopExamples } = options
  if (
    nTopExamples !== undefined &&
    (typeof nTopExamples !== 'number' || !Number.isSafeInteger(nTopExamples) || nTopExamples < 1)
  ) {
    invalid('nTopExamples', nTopExamples, 'expected a whole number of at least 1')
  }
  if (rows.length === 0) return []
  const columns = stepColumnsOf(rows)
  const paths = new Map<string, { steps: unknown[]; count: number }>()
  for (const row of rows) {
    const steps = columns.map((c) => row[c] ?? null)
    const key = JSON.stringify(steps)
    const seen = paths.get(key)
    if (seen) seen.count++
    else paths.set(key, { steps, count: 1 })
  }
  let counted = [...paths.values()]
  if (nTopExamples !== undefined) {
    counted = counted
      .sort((a, b) => b.count - a.count || compareStepsDescending(a.steps, b.steps))
      .slice(0, nTopExamples)
  }
  const links = new Map<string, SankeyLink>()
  for (const { steps, count } of counted) {
    for (let i = 0; i + 1 < steps.length; i++) {
      const [from, to] = [steps[i], steps[i + 1]]
      if (from === null || to === null) continue
      const link = { source: String(from), target: String(to) }
      const key = JSON.stringify([link.source, link.target])
      const existing = links.get(key)
      if (existing) existing.value += count
      else links.set(key, { ...link, value: count })
    }
  }
  return [...links.values()].sort(
    (a, b) => b.value - a.value || codePoints(a.source, b.source) || codePoints(a.target, b.target),
  )
}

/** The step columns of the rows, in step order; exactly one `<name>_step_<k>` family, numbered 1 … N. */
function stepColumnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const names = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) names.add(key)
  const families = new Map<string, Map<number, string>>()
  for (const name of names) {
    const found = STEP_COLUMN.exec(name)
    if (!found) continue
    // Both groups of STEP_COLUMN are required, so a match has them.
    const family = found[1]!
    const k = found[2]!
    const steps = families.get(family) ?? new Map<number, string>()
    families.set(family, steps.set(Number(k), name))
  }
  if (families.size === 0) invalid('sankeyLinks rows', [...names], "Couldn't find any navigation path.")
  if (families.size > 1) {
    invalid(
      'sankeyLinks rows',
      [...families.keys()],
      'Provided DataFrame contains navigation paths from multiple base series, e.g. x_step_1, y_step_1, ... x_step_n, y_step_n.',
    )
  }
  const [steps] = [...families.values()] as [Map<number, string>]
  return Array.from({ length: steps.size }, (_, i) => {
    const column = steps.get(i + 1)
    if (!column)
      invalid('sankeyLinks rows', [...steps.values()], `the step columns must be numbered 1 to ${steps.size}`)
    return column
  })
}

/** Greater step values first, step by step; NULL is the greatest (Postgres' DESC order). */
function compareStepsDescending(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] ?? null, b[i] ?? null]
    if (x === y) continue
    if (x === null) return -1
    if (y === null) return 1
    if (typeof x === 'number' && typeof y === 'number') return y - x
    const order = codePoints(String(y), String(x))
    if (order !== 0) return order
  }
  return 0
}

/** Compares by Unicode code point (not UTF-16 unit), as the SQL side's code-point order does. */
function codePoints(a: string, b: string): number {
  const [x, y] = [[...a], [...b]]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}
