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

const SAMPLE = { events: 3000, seed: 11, table: 'analytics_events', progress: false } as const

/** A value with its JS type, so the test sees numbers that came back as strings and dates as Dates. */
function typed(value: unknown): unknown {
  if (value instanceof Date) return { Date: value.toISOString() }
  if (Array.isArray(value)) return value.map(typed)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)]))
  }
  return value === null ? null : { [typeof value]: value }
}

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
