import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { offlineEngine } from '@kysely-modelhub/cli'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { benchHub, MODELS } from '../../bench/src/models.ts'
import { EVERY_MODEL, sampleHub } from '../support/every-model.ts'

/**
 * How long exported SQL is, in characters other than whitespace, on Postgres: each benchmarked
 * model next to its hand-written reference (bench/reference/<model>.sql), and every model of
 * test/sql. Printed by `pnpm sql-size` (the table of docs/performance.md), bounded by sql-size.test.ts.
 */

export interface SqlSize {
  readonly model: string
  readonly exported: number
  readonly reference: number
  readonly ratio: number
}

const REFERENCES = join(import.meta.dirname, '..', '..', 'bench', 'reference')

/** Characters that are not whitespace, leaving out `--` comment lines. */
export function visibleLength(sql: string): number {
  const code = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
  return code.replace(/\s+/g, '').length
}

/** Every benchmarked model as `hub.toSql` exports it (placeholders kept), with its reference. */
export async function benchSqlSizes(): Promise<SqlSize[]> {
  // Connects only when a query runs: none does here.
  const db = createPostgresDb<any>({ connectionString: 'postgresql://localhost/compile-only' })
  try {
    const hub = benchHub(db)
    // A model that needs the database first (predict scores with a fitted model) has no offline SQL.
    return MODELS.filter((model) => !model.prepare).map((model) => {
      const exported = visibleLength(hub.toSql(model.build(hub), { pretty: false }))
      const reference = visibleLength(readFileSync(join(REFERENCES, `${model.name}.sql`), 'utf8'))
      return { model: model.name, exported, reference, ratio: exported / reference }
    })
  } finally {
    await db.destroy()
  }
}

/** Every model of test/sql (no reference for most), exported on Postgres. */
export async function everyModelSqlSize(): Promise<{ model: string; exported: number }[]> {
  const { db, engine } = await offlineEngine('postgres')
  const hub = sampleHub(db, { engine })
  return Object.entries(EVERY_MODEL).map(([model, build]) => ({
    model,
    exported: visibleLength(hub.toSql(build(hub), { pretty: false })),
  }))
}
