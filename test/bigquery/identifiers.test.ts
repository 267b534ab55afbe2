import { BigQueryUnsupportedError } from '@kysely-modelhub/bigquery'
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

  it('reads back hostile string literals under valid column names', async () => {
    const rows = await db
      .selectFrom('one')
      .select(HOSTILE_IDS.map((text, i) => sql.lit(text).as(`c${i}`)))
      .where('i', '=', 0)
      .execute()
    expect(rows).toEqual([Object.fromEntries(HOSTILE_IDS.map((text, i) => [`c${i}`, text]))])
  })

  it('refuses, before running, column names BigQuery refuses; reads back valid ones', async () => {
    // ZetaSQL accepts any quoted alias, but a BigQuery job fails on them ("Invalid field name").
    const valid = HOSTILE_IDS.filter((id) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(id))
    expect(valid).toEqual(['snake_case'])
    for (const name of HOSTILE_IDS.filter((id) => !valid.includes(id))) {
      expect(() => db.selectFrom('one').select(sql.lit(1).as(name)).compile(), name).toThrow(
        new BigQueryUnsupportedError(
          `BigQuery refuses the column name ${JSON.stringify(name)}: a name has only letters, digits and underscores, starts with a letter or an underscore, and has at most 300 characters; choose another alias`,
        ),
      )
    }
    const long = `_${'a'.repeat(299)}`
    expect(() =>
      db
        .selectFrom('one')
        .select(sql.lit(1).as(`${long}b`))
        .compile(),
    ).toThrow(BigQueryUnsupportedError)
    expect(() => db.selectFrom('one').select(sql.lit(1).as('_PARTITIONTIME')).compile()).toThrow(
      /may not start with _PARTITION/,
    )
    const rows = await db
      .selectFrom('one')
      .select([sql.lit(1).as('snake_case'), sql.lit(2).as(long)])
      .execute()
    expect(rows).toEqual([{ snake_case: 1, [long]: 2 }])
  })
})
