import { expect } from 'vitest'

/** Result columns docs/models.md declares as numbers (counts, sums, ratios, positions, probabilities). */
const NUMBER_COLUMNS = new Set([
  'session_id',
  'session_hit_number',
  'conversions_in_time',
  'converted',
  'pre_conversion_hit_number',
  'unique_users',
  'unique_sessions',
  'session_duration',
  'session_id_nunique',
  'user_id_nunique',
  'period',
  'value',
  'value_counts',
  'percentage',
  'n_users',
  'n_users_completed_step',
  'step_conversion_rate',
  'full_conversion_rate',
  'dropoff_share',
  'step',
  'conversion_step',
  'probability',
  'users',
  'intervals_active',
])

/** Result columns docs/models.md declares as text. */
const TEXT_COLUMNS = new Set([
  'event_id',
  'user_id',
  'event_type',
  'time_aggregation',
  'first_cohort',
  'location',
  'feature_nice_name',
  'status',
])

const DAY = /^\d{4}-\d\d-\d\d$/
/** agg.lifecycle labels its periods ('YYYY-MM-DD', 'YYYY-MM') where retentionMatrix counts them. */
const textPeriod = (model: string, column: string) => column === 'period' && model.includes('lifecycle')

/**
 * Asserts that every non-NULL value of the rows has the JS type docs/models.md declares for its column:
 * numbers are numbers (never numeric strings), `day` is 'YYYY-MM-DD', `moment` a Date and no other
 * column a Date, text columns strings. Returns how many values it checked.
 */
export function expectDeclaredTypes(model: string, rows: readonly Record<string, unknown>[]): number {
  let checked = 0
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (value === null) continue
      const where = `${model}: ${column} = ${String(value)}`
      if (column === 'moment') expect(value, where).toBeInstanceOf(Date)
      else expect(value instanceof Date, where).toBe(false)
      if (column === 'day') expect(value, where).toMatch(DAY)
      if ((NUMBER_COLUMNS.has(column) && !textPeriod(model, column)) || /^f_\d+$/.test(column)) {
        expect(typeof value, where).toBe('number')
      }
      if (TEXT_COLUMNS.has(column) || textPeriod(model, column) || column.startsWith('location_stack_step_')) {
        expect(typeof value, where).toBe('string')
      }
      checked++
    }
  }
  return checked
}

/** A non-integer rounded to 12 significant digits: a float sum or mean may differ in its last bits between plans. */
const withoutFloatNoise = (value: unknown): unknown =>
  typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(12)) : value

/**
 * Rows in one order (by their JSON) with float noise rounded off, for toEqual, which still tells a
 * Date from its text and a number from a numeric string.
 */
export const sortedRows = <R>(rows: readonly R[]): R[] =>
  rows
    .map((row) =>
      row !== null && typeof row === 'object'
        ? (Object.fromEntries(Object.entries(row).map(([k, v]) => [k, withoutFloatNoise(v)])) as R)
        : row,
    )
    .map((row) => [JSON.stringify(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row)
