import type { MlRow } from '../fixtures/ml-data.ts'

/** σ(z) the plain way, as a reference for the SQL probability on moderate z. */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/** z of a row under a model given as coefficients by column name and an intercept. */
export function linear(row: Record<string, unknown>, coef: Record<string, number>, intercept: number): number {
  return Object.entries(coef).reduce((s, [column, w]) => s + w * Number(row[column]), intercept)
}

/** Accuracy of probability > 0.5 against the label, counted in TS. */
export function accuracy(rows: readonly MlRow[], coef: Record<string, number>, intercept: number): number {
  const right = rows.filter((r) => sigmoid(linear(r as never, coef, intercept)) > 0.5 === r.converted).length
  return right / rows.length
}

/**
 * The AUC by its definition: the share of (positive, negative) pairs where the positive scores
 * higher, ties counting one half. O(n₊·n₋), independent of the rank formula the SQL uses.
 */
export function pairwiseAuc(scored: readonly { readonly score: number; readonly label: boolean }[]): number {
  const positives = scored.filter((s) => s.label)
  const negatives = scored.filter((s) => !s.label)
  let wins = 0
  for (const p of positives) for (const n of negatives) wins += p.score > n.score ? 1 : p.score === n.score ? 0.5 : 0
  return wins / (positives.length * negatives.length)
}
