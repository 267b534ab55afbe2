import { describe, expect, it } from 'vitest'
import { benchSqlSizes, everyModelSqlSize } from './sql-sizes.ts'

/**
 * Exported SQL stays close to what a person writes (docs/performance.md, "The SQL a model
 * exports"): each benchmarked model within 6× its hand-written reference and half of them within
 * 3×, whitespace aside. Before the SQL was shaped, unique users was 28× (2,981 characters for 107).
 */
describe('exported SQL size (Postgres)', () => {
  it('keeps every benchmarked model near its hand-written reference', async () => {
    const sizes = await benchSqlSizes()
    expect(sizes.length).toBeGreaterThanOrEqual(12)
    for (const size of sizes)
      expect({ model: size.model, within6x: size.ratio <= 6 }).toEqual({ model: size.model, within6x: true })
    const ratios = sizes.map((s) => s.ratio).sort((a, b) => a - b)
    expect(ratios[Math.floor(ratios.length / 2) - 1]).toBeLessThanOrEqual(3)
  })

  it('exports every model of test/sql without unread stages', async () => {
    const sizes = await everyModelSqlSize()
    // The sessionization's three window passes alone were ~1,300 characters in every model.
    for (const size of sizes)
      expect({ model: size.model, under7000: size.exported < 7000 }).toEqual({ model: size.model, under7000: true })
  })
})
