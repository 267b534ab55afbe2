import { type Kysely, sql } from 'kysely'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { HOSTILE_IDS } from '../fixtures/location-stacks.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/** What the BigQuery dialect compiles reads back unchanged when ZetaSQL executes it. */
describe('BigQuery dialect on ZetaSQL [bigquery(zetasql)]', () => {
  let db: Kysely<any>
  beforeAll(() => {
    db = createZetaSqlDb<any>(inject('zetasqlPort'), { one: { columns: { i: 'INT64' }, rows: [{ i: 0 }] } })
  })

  it('reads back hostile identifiers and string literals', async () => {
    // Output names starting with '$' are ZetaSQL's internal (anonymous) names, and blank ones are invalid.
    const names = HOSTILE_IDS.filter((id) => id.trim() !== '' && !id.startsWith('$'))
    const rows = await db
      .selectFrom('one')
      .select(names.map((name, i) => sql.lit(`${i}:${name}`).as(name)))
      .where('i', '=', 0)
      .execute()
    expect(Object.keys(rows[0] ?? {})).toEqual(names)
    expect(rows).toEqual([Object.fromEntries(names.map((name, i) => [name, `${i}:${name}`]))])
  })
})
