/**
 * A consumer app: its own pg pool with pg's default parsers, its own PGlite Kysely, and ours,
 * each running the models over the same sample events; prints what each returned as JSON, with
 * the JS type of every value, for the consumer test to compare.
 */
import { PGlite } from '@electric-sql/pglite'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { Database } from './database.js'
import { runModels } from './models.js'
import { typed } from './typed.js'

const SAMPLE = { events: 3000, seed: 11, table: 'analytics_events', progress: false } as const

async function onOwnPool(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 3 })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    const models = await runModels(db)
    const userId = models.firstEvents.find((e) => e.user_id !== null)?.user_id ?? null
    await sql`create table if not exists users (id text primary key, plan text not null)`.execute(db)
    if (userId !== null) await db.insertInto('users').values({ id: userId, plan: 'pro' }).execute()
    const joined = await runJoin(db)
    return { models, joined }
  } finally {
    await db.destroy()
  }
}

async function runJoin(db: Kysely<Database>) {
  const { hubOn } = await import('./models.js')
  const hub = hubOn(db)
  return hub
    .events()
    .clearSelect()
    .innerJoin('users', 'users.id', 'events.user_id')
    .select(({ fn }) => ['users.plan', fn.countAll<string>().as('n')])
    .groupBy('users.plan')
    .execute()
}

async function onOwnPglite() {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(new PGlite()) })
  try {
    await loadSampleData(db, SAMPLE)
    return await runModels(db)
  } finally {
    await db.destroy()
  }
}

async function onOurPglite() {
  const db = await createPgliteDb<Database>()
  try {
    await loadSampleData(db, SAMPLE)
    return await runModels(db)
  } finally {
    await db.destroy()
  }
}

const url = process.env.DATABASE_URL
const result = {
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  ownPool: url ? await onOwnPool(url) : null,
  ownPglite: await onOwnPglite(),
  ourPglite: await onOurPglite(),
}
process.stdout.write(`${JSON.stringify(typed(result))}\n`)
