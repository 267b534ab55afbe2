import { createHash } from 'node:crypto'

/** Floats summed in another order differ in the last bits: equal within this relative difference. */
const TOLERANCE = 1e-9
/** Digits kept when ordering rows, so rows that differ only in those last bits sort alike. */
const DIGITS = 6

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

/** A row as text for ordering and fingerprints: keys sorted, floats rounded, dates as ISO text. */
export function canonicalRow(row: Record<string, unknown>): string {
  return JSON.stringify(canonicalValue(row))
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b))
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]))
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && close((a as any)[k], (b as any)[k]))
  }
  return a === b
}

/** Why two results differ, or undefined when they hold the same rows (in any order, floats within 1e-9). */
export function differenceOf(
  model: readonly Record<string, unknown>[],
  reference: readonly Record<string, unknown>[],
): string | undefined {
  if (model.length !== reference.length) return `${model.length} rows, the reference ${reference.length}`
  const sorted = (rows: readonly Record<string, unknown>[]) =>
    rows.map((row) => ({ row, key: canonicalRow(row) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
  const a = sorted(model)
  const b = sorted(reference)
  const i = a.findIndex((x, j) => !close(x.row, b[j]!.row))
  return i < 0 ? undefined : `first difference: ${a[i]!.key} vs the reference's ${b[i]!.key}`
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
