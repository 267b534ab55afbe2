import type { CountedSums } from './database-sums.ts'
import { EXP_LIMIT } from './probability.ts'

/** A row pulled for a client-side fit: the feature values in order and the label (NULLs kept). */
export interface ClientRow {
  readonly x: readonly (number | null)[]
  readonly y: boolean | null
}

/**
 * The sums of one Newton iteration computed in process, with the same formulas the iteration
 * query uses (see database-sums.ts), so both fits follow the same path.
 */
export function clientSums(
  rows: readonly ClientRow[],
  featureCount: number,
  fitIntercept: boolean,
  weights: readonly number[],
): CountedSums {
  const d = weights.length
  const gradient = new Array<number>(d).fill(0)
  const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0))
  let loss = 0
  let positives = 0
  let labelled = 0
  const present = new Array<number>(featureCount).fill(0)
  for (const row of rows) {
    row.x.forEach((v, i) => {
      if (v !== null) present[i] = (present[i] ?? 0) + 1
    })
    if (row.y !== null) labelled++
    if (row.y === null || row.x.some((v) => v === null)) continue
    const design = fitIntercept ? [1, ...(row.x as number[])] : (row.x as number[])
    const y = row.y ? 1 : 0
    positives += y
    const z = design.reduce((s, v, i) => s + v * (weights[i] ?? 0), 0)
    const e = Math.exp(-Math.min(Math.abs(z), EXP_LIMIT))
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e)
    const r = p - y
    const v = e / ((1 + e) * (1 + e))
    loss += Math.log(1 + e) + Math.max(z, 0) - y * z
    for (let i = 0; i < d; i++) {
      const di = design[i] as number
      gradient[i] = (gradient[i] as number) + r * di
      const hi = hessian[i] as number[]
      for (let j = i; j < d; j++) hi[j] = (hi[j] as number) + v * di * (design[j] as number)
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) (hessian[i] as number[])[j] = (hessian[j] as number[])[i] as number
  return { n: rows.length, positives, loss, gradient, hessian, counts: { labelled, present } }
}
