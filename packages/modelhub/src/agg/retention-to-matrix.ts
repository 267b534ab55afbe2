import { invalid } from '@kysely-modelhub/core'
import type { RetentionRow } from './retention-matrix.ts'

/** A row of the pivoted retention matrix: the cohort, then `_0`, `_1`, … (NULL where no users). */
export type RetentionMatrixRow = { first_cohort: string } & { [period: `_${number}`]: number | null }

/**
 * Pivots the long rows of `hub.agg.retentionMatrix` for display, as Objectiv showed them: one row
 * per cohort (sorted), one column `_k` per period k from 0 to the last period of any cohort, null
 * where a cohort had no users in that period.
 *
 * @example toMatrix(await hub.agg.retentionMatrix(hub.events()).execute())
 * // → [{ first_cohort: '2021-11', _0: 2, _1: 1 }, { first_cohort: '2021-12', _0: 2, _1: null }]
 */
export function toMatrix(rows: readonly RetentionRow[]): RetentionMatrixRow[] {
  const cohorts = new Map<string, Map<number, number>>()
  let last = -1
  for (const row of rows) {
    const { first_cohort: cohort, period, value } = row ?? ({} as RetentionRow)
    if (typeof cohort !== 'string' || !Number.isSafeInteger(period) || period < 0 || typeof value !== 'number') {
      invalid('toMatrix row', row, 'expected { first_cohort: string, period: a whole number >= 0, value: number }')
    }
    const periods = cohorts.get(cohort) ?? new Map<number, number>()
    if (periods.has(period)) invalid('toMatrix row', row, `cohort "${cohort}" has period ${period} twice`)
    cohorts.set(cohort, periods.set(period, value))
    last = Math.max(last, period)
  }
  return [...cohorts.keys()].sort().map((cohort) => {
    const periods = cohorts.get(cohort) as Map<number, number>
    const row: RetentionMatrixRow = { first_cohort: cohort }
    for (let k = 0; k <= last; k++) row[`_${k}`] = periods.get(k) ?? null
    return row
  })
}
