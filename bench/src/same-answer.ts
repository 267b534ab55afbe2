import { createHash } from 'node:crypto'

/** Significant digits two results must agree to: floats summed in another order differ in the last bits. */
const DIGITS = 9

function canonicalValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(DIGITS))
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(canonicalValue)
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return Object.fromEntries(entries.map(([k, v]) => [k, canonicalValue(v)]))
  }
  return value
}

/** A row as text that is equal for equal answers: keys sorted, floats rounded, dates as ISO text. */
export function canonicalRow(row: Record<string, unknown>): string {
  return JSON.stringify(canonicalValue(row))
}

/** The rows in a canonical order, for comparing two results that may come in different orders. */
export function canonicalRows(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map(canonicalRow).sort()
}

/** Why two results differ, or undefined when they hold the same rows (in any order). */
export function differenceOf(model: readonly Record<string, unknown>[], reference: readonly Record<string, unknown>[]) {
  if (model.length !== reference.length) return `${model.length} rows, the reference ${reference.length}`
  const a = canonicalRows(model)
  const b = canonicalRows(reference)
  const i = a.findIndex((row, j) => row !== b[j])
  return i < 0 ? undefined : `first difference: ${a[i]} vs the reference's ${b[i]}`
}

/**
 * An order-independent fingerprint of a stream of rows, for results too large to hold: the count
 * and the sum, modulo 2^64, of each canonical row's hash.
 */
export class RowDigest {
  count = 0
  #sum = 0n
  add(row: Record<string, unknown>): void {
    this.count++
    const hash = createHash('sha256').update(canonicalRow(row)).digest()
    this.#sum = (this.#sum + hash.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn
  }
  get value(): string {
    return `${this.count}:${this.#sum.toString(16)}`
  }
}
