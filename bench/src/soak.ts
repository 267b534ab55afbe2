/**
 * `pnpm soak`: many callers on one pool for minutes, mixing every model, streams, timeouts,
 * cancellations and killed backends, on a throwaway Postgres (or DATABASE_URL). Passes when no
 * result differs from the same query run alone, every failure is one the caller caused or was
 * told about (a cancellation, a lost connection), the pool never exceeds its size, and no
 * connection is left behind. Prints the counts and RSS at start and end; exits 1 on a failure.
 *
 *   pnpm soak [--seconds 300] [--callers 20] [--pool 10] [--events 20000]
 */
import { randomUUID } from 'node:crypto'
import { ConnectionLostError, QueryCancelledError } from '@kysely-modelhub/core'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { Command } from 'commander'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import { canonical, EVERY_MODEL, sampleHub } from '../../test/support/every-model.ts'
import { findPostgresBinaries, startPostgresCluster } from '../../test/support/postgres-cluster.ts'

const options = new Command('soak')
  .option('--seconds <n>', 'how long the callers run', Number, 300)
  .option('--callers <n>', 'concurrent callers', Number, 20)
  .option('--pool <n>', 'connections in the pool', Number, 10)
  .option('--events <n>', 'sample events', Number, 20_000)
  .parse()
  .opts<{ seconds: number; callers: number; pool: number; events: number }>()

type Action = 'model' | 'stream' | 'timeout' | 'cancel' | 'kill'
const ACTIONS: readonly Action[] = ['model', 'model', 'model', 'stream', 'timeout', 'cancel', 'kill']
const MODELS = Object.keys(EVERY_MODEL)

/** What happened, by action and outcome: 'model ok', 'kill lost', …; failures are listed apart. */
const counts = new Map<string, number>()
const failures: string[] = []
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20)
/** The heap still in use after a full collection: what a leak would grow. */
const retainedMb = () => {
  global.gc?.()
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20)
}

/** Numbers to 12 significant digits: float sums differ in their last bits between parallel and serial plans. */
function sameFloats(rows: readonly unknown[]): unknown[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row as object).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(12)) : v]),
    ),
  )
}
/** Steps under way and since when, to name one that never settles. */
const inFlight = new Map<number, { step: string; since: number }>()
let nextStep = 0

async function main(): Promise<void> {
  const binDir = process.env.DATABASE_URL ? undefined : findPostgresBinaries()
  if (!process.env.DATABASE_URL && !binDir) throw new Error('no DATABASE_URL and no Postgres server binaries')
  const cluster = binDir ? startPostgresCluster(binDir, { settings: ['max_connections=60'] }) : undefined
  const serverUrl = process.env.DATABASE_URL ?? cluster!.url
  const admin = createPostgresDb<any>({ connectionString: serverUrl, max: 2 })
  const name = `soak_${randomUUID().replaceAll('-', '')}`
  await sql`create database ${sql.id(name)}`.execute(admin)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  try {
    const loader = createPostgresDb<any>({ connectionString: url.toString(), max: 1 })
    await loadSampleData(loader, { events: options.events, progress: false }).finally(() => loader.destroy())

    const pool = new pg.Pool({ connectionString: url.toString(), max: options.pool })
    pool.on('error', () => {}) // an idle client killed between queries: the pool drops it
    const db = createPostgresDb<any>({ pool })
    const hub = sampleHub(db)
    const alone = new Map<string, string[]>()
    for (const model of MODELS) alone.set(model, canonical(sameFloats(await EVERY_MODEL[model]!(hub).execute())))

    const rssStart = rssMb()
    const heapStart = retainedMb()
    let maxPool = 0
    const watch = setInterval(() => {
      maxPool = Math.max(maxPool, pool.totalCount)
    }, 5)
    const until = Date.now() + options.seconds * 1000
    const progress = setInterval(() => {
      const slow = [...inFlight.values()].filter((s) => Date.now() - s.since > 30_000)
      console.log(
        `  … ${Math.max(0, Math.round((until - Date.now()) / 1000))} s left, RSS ${rssMb()} MB, ${inFlight.size} steps under way${slow.length ? `; over 30 s: ${slow.map((s) => s.step).join(', ')}` : ''}`,
      )
    }, 10_000)
    await Promise.all(
      Array.from({ length: options.callers }, async () => {
        while (Date.now() < until) await act(pick(ACTIONS), hub, admin, name, alone)
      }),
    )
    clearInterval(watch)
    clearInterval(progress)
    const heapEnd = retainedMb()
    const rssEnd = rssMb()

    // Nothing stuck: every query settled above; every client back in the pool, then gone with it.
    const stuck = pool.totalCount - pool.idleCount
    await db.destroy()
    const left = await connectionsTo(admin, name)
    if (maxPool > options.pool) failures.push(`the pool held ${maxPool} connections, more than ${options.pool}`)
    if (stuck > 0) failures.push(`${stuck} connections were still checked out at the end`)
    if (left > 0) failures.push(`${left} connections to the database remained after the pool ended`)

    console.log(
      `soak: ${options.callers} callers for ${options.seconds} s on a pool of ${options.pool}, ${options.events} events`,
    )
    for (const [key, n] of [...counts].sort()) console.log(`  ${key.padEnd(24)} ${n}`)
    console.log(`  most connections at once  ${maxPool}`)
    console.log(`  RSS                       ${rssStart} MB at start, ${rssEnd} MB at end`)
    console.log(`  heap after a full GC      ${heapStart} MB at start, ${heapEnd} MB at end`)
    for (const failure of failures.slice(0, 20)) console.log(`FAILED: ${failure}`)
    console.log(failures.length === 0 ? 'soak passed' : `soak failed: ${failures.length} failures`)
    process.exitCode = failures.length === 0 ? 0 : 1
  } finally {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
    await admin.destroy()
    cluster?.stop()
  }
}

/** One caller's step; expected failures are counted, anything else is a failure. */
async function act(
  action: Action,
  hub: ReturnType<typeof sampleHub>,
  admin: Kysely<any>,
  database: string,
  alone: ReadonlyMap<string, string[]>,
): Promise<void> {
  const model = pick(MODELS)
  const id = nextStep++
  inFlight.set(id, { step: `${action} ${model}`, since: Date.now() })
  try {
    await step(action, model, hub, admin, database, alone)
  } finally {
    inFlight.delete(id)
  }
}

async function step(
  action: Action,
  model: string,
  hub: ReturnType<typeof sampleHub>,
  admin: Kysely<any>,
  database: string,
  alone: ReadonlyMap<string, string[]>,
): Promise<void> {
  const query = EVERY_MODEL[model]!(hub)
  const expected = alone.get(model)!
  const check = (rows: readonly unknown[]) => {
    if (JSON.stringify(canonical(sameFloats(rows))) === JSON.stringify(expected)) count(`${action} ok`)
    else failures.push(`${action} ${model}: the rows differ from the same query run alone`)
  }
  try {
    switch (action) {
      case 'model':
        return check(await query.execute())
      case 'stream': {
        const rows: unknown[] = []
        for await (const row of (query as any).stream(100)) rows.push(row)
        return check(rows)
      }
      case 'timeout':
        return check(await hub.execute(query as any, { timeoutMs: 1 + Math.floor(Math.random() * 200) }))
      case 'cancel': {
        const controller = new AbortController()
        setTimeout(() => controller.abort(), Math.random() * 200)
        return check(await hub.execute(query as any, { signal: controller.signal }))
      }
      case 'kill': {
        // A backend of the pool dies under whatever query it runs (ours or another caller's).
        const victims = await sql<{ pid: number }>`select pid from pg_stat_activity
          where datname = ${database} and pid <> pg_backend_pid()`.execute(admin)
        const victim = victims.rows.length > 0 ? pick(victims.rows) : undefined
        if (victim) await sql`select pg_terminate_backend(${victim.pid})`.execute(admin)
        return check(await query.execute())
      }
    }
  } catch (error) {
    if (error instanceof QueryCancelledError && (action === 'timeout' || action === 'cancel')) {
      count(`${action} cancelled`)
    } else if (error instanceof ConnectionLostError) {
      count(`${action} lost`) // another caller's kill hit this query: told, retryable
    } else {
      failures.push(`${action} ${model}: ${(error as Error).name}: ${(error as Error).message}`)
    }
  }
}

async function connectionsTo(admin: Kysely<any>, database: string): Promise<number> {
  // Backends exit shortly after their client ends; wait up to 5 s for them to go.
  for (let wait = 0; wait < 250; wait++) {
    const { rows } = await sql<{
      n: number
    }>`select count(*)::int as n from pg_stat_activity where datname = ${database}`.execute(admin)
    if (rows[0]?.n === 0) return 0
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const { rows } = await sql<{
    n: number
  }>`select count(*)::int as n from pg_stat_activity where datname = ${database}`.execute(admin)
  return rows[0]?.n ?? 0
}

await main()
