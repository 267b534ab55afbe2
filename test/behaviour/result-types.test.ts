import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachEngine } from '../support/engines.ts'

describeEachEngine('result types', (ctx) => {
  it('runs away from UTC, so the timestamp checks below mean something', () => {
    expect(new Date(2021, 10, 30).getTimezoneOffset()).toBe(300)
  })

  it('reads a timestamp without time zone as the UTC instant it holds', async () => {
    const { rows } = await sql<{ m: Date }>`select timestamp '2021-11-30 10:23:36.287' as m`.execute(ctx.db)
    expect(rows[0]?.m).toBeInstanceOf(Date)
    expect(rows[0]?.m.toISOString()).toBe('2021-11-30T10:23:36.287Z')
  })
})
