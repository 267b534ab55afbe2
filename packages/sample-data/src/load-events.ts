import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { invalid } from '@kysely-modelhub/core'
import {
  connectionLost,
  connectionOf,
  type HeldClient,
  holdClient,
  type PgliteInstance,
  toConnectError,
  toQueryError,
} from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { validateEvent } from './event-schema.ts'
import type { SampleEventRow } from './generate.ts'

export interface EventsTableOptions {
  /** Default 'data', Objectiv's name; 'schema.table' works too. */
  readonly table?: string
  /** Default 'json', as Objectiv's collector creates it; 'jsonb' is what its tests use. */
  readonly valueType?: 'json' | 'jsonb'
}

export interface LoadEventsOptions {
  readonly table?: string
  /** Rows checked and loaded together: a bad event stops the load before its batch. Default 10,000. */
  readonly batchSize?: number
  /** Called after each batch with the number of rows loaded so far. */
  readonly onProgress?: (loaded: number) => void
}

const COLUMNS = ['event_id', 'day', 'moment', 'cookie_id', 'value'] as const

/**
 * Creates Objectiv's raw events table (docs/semantics.md §S1.1) and its index on `day`:
 * `event_id uuid primary key, day date, moment timestamp, cookie_id uuid, value json`, all not null.
 *
 * @example await createEventsTable(db, { valueType: 'jsonb' })
 */
export async function createEventsTable<DB>(db: Kysely<DB>, options: EventsTableOptions = {}): Promise<void> {
  const { table = 'data', valueType = 'json' } = options
  if (valueType !== 'json' && valueType !== 'jsonb')
    invalid('events table valueType', valueType, "expected 'json' or 'jsonb'")
  await db.schema
    .createTable(table)
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('moment', 'timestamp', (c) => c.notNull())
    .addColumn('cookie_id', 'uuid', (c) => c.notNull())
    .addColumn('value', valueType, (c) => c.notNull())
    .execute()
  // Named as Postgres names an unnamed index; an index lives in its table's schema, so no schema here.
  const name = table.slice(table.lastIndexOf('.') + 1)
  await db.schema.createIndex(`${name}_day_idx`).on(table).column('day').execute()
}

/** 'YYYY-MM-DD HH:MM:SS.mmm': the UTC wall time a `timestamp` column holds. */
const utcText = (moment: Date): string => moment.toISOString().replace('T', ' ').replace('Z', '')

/** One CSV field, always quoted: only `"` is special inside quotes, and a quoted `\.` is data. */
const csvField = (text: string): string => `"${text.replaceAll('"', '""')}"`

function csvLine(row: SampleEventRow): string {
  const fields = [row.event_id, row.day, utcText(row.moment), row.cookie_id, JSON.stringify(row.value)]
  return `${fields.map(csvField).join(',')}\n`
}

/** The batch as CSV in pieces of about 64 kB, so COPY gets few large messages. */
function* csvChunks(batch: readonly SampleEventRow[]): Generator<string> {
  let chunk = ''
  for (const row of batch) {
    chunk += csvLine(row)
    if (chunk.length >= 65_536) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** Writes one batch atomically; `close` gives back what it held. */
interface BatchWriter {
  write(batch: readonly SampleEventRow[]): Promise<void>
  close(failed: boolean): Promise<void>
}

const columnList = sql.join(COLUMNS.map((c) => sql.ref(c)))

/** `copy "table" ("event_id", …) from stdin with (format csv)`, identifiers quoted by Kysely. */
function copyStatement<DB>(db: Kysely<DB>, table: string): string {
  return sql`copy ${sql.table(table)} (${columnList}) from stdin with (format csv)`.compile(db).sql
}

/** COPY FROM STDIN on one client of the pool, a COPY statement per batch. */
function poolWriter<DB>(db: Kysely<DB>, pool: pg.Pool, table: string): BatchWriter {
  const statement = copyStatement(db, table)
  // Held (held-client.ts): a connection lost mid-COPY fails the load, not the process.
  let held: HeldClient | undefined
  return {
    async write(batch) {
      held ??= holdClient(await pool.connect().catch((error: unknown) => Promise.reject(toConnectError(error))))
      const lost = held.lost()
      if (lost !== undefined) throw connectionLost(lost, statement, { sent: false })
      await pipeline(Readable.from(csvChunks(batch)), held.client.query(copyFrom(statement))).catch(
        (error: unknown) => {
          held?.failed(error)
          throw toQueryError(error, statement)
        },
      )
    },
    async close(failed) {
      // After a failed COPY the connection's state is unknown: drop it rather than reuse it.
      held?.release(failed)
    },
  }
}

/**
 * PGlite reads COPY input from a Blob it exposes as /dev/blob. Each COPY straight into a growing
 * table took longer than the one before (PGlite 0.5: 0.5 s for the first 5,000 rows, 5 s for the
 * twelfth), while COPY into an empty temp table and one INSERT … SELECT stays flat; the transaction
 * keeps the batch whole and drops the temp table.
 */
function pgliteWriter<DB>(db: Kysely<DB>, pglite: PgliteInstance, table: string): BatchWriter {
  const staging = sql.id('modelhub_load_batch')
  const statements = [
    sql`create temp table ${staging} (like ${sql.table(table)}) on commit drop`,
    sql`copy ${staging} (${columnList}) from '/dev/blob' with (format csv)`,
    sql`insert into ${sql.table(table)} (${columnList}) select ${columnList} from ${staging}`,
  ].map((statement) => statement.compile(db).sql)
  const [create, copy, insert] = statements as [string, string, string]
  return {
    async write(batch) {
      await pglite.transaction(async (tx) => {
        await tx.query(create)
        await tx.query(copy, [], { blob: new Blob([...csvChunks(batch)]) })
        await tx.query(insert)
      })
    },
    async close() {},
  }
}

/** For a Kysely we did not create (or a transaction): multi-row INSERTs, a batch in one transaction. */
function insertWriter<DB>(db: Kysely<DB>, table: string): BatchWriter {
  // The table is named at run time, so the caller's DB type cannot describe it.
  const events = db as unknown as Kysely<Record<string, Record<(typeof COLUMNS)[number], string>>>
  // Postgres allows 65,535 parameters a statement: 1,000 rows of 5 stay well below.
  const insert = async (trx: typeof events, batch: readonly SampleEventRow[]) => {
    for (let i = 0; i < batch.length; i += 1000) {
      const values = batch.slice(i, i + 1000).map((row) => ({
        event_id: row.event_id,
        day: row.day,
        moment: utcText(row.moment),
        cookie_id: row.cookie_id,
        value: JSON.stringify(row.value),
      }))
      await trx.insertInto(table).values(values).execute()
    }
  }
  return {
    write: (batch) =>
      events.isTransaction ? insert(events, batch) : events.transaction().execute((trx) => insert(trx, batch)),
    async close() {},
  }
}

/** Groups any rows, sync or async, into arrays of `size`. */
async function* batches<T>(rows: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = []
  for await (const row of rows) {
    batch.push(row)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/**
 * Loads rows into an events table (see {@link createEventsTable}) and returns how many. Each batch
 * is validated first (`validateEvent`, naming the bad event by id or 0-based position) and then
 * loaded whole or not at all: with COPY on a Kysely from `createPostgresDb` / `createPgliteDb`,
 * with INSERTs on any other. Batches before a bad one stay loaded.
 *
 * @example await loadEvents(db, generateSampleEvents({ events: 100_000 }), { onProgress: console.log })
 */
export async function loadEvents<DB>(
  db: Kysely<DB>,
  rows: Iterable<SampleEventRow> | AsyncIterable<SampleEventRow>,
  options: LoadEventsOptions = {},
): Promise<number> {
  const { table = 'data', batchSize = 10_000, onProgress } = options
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    invalid('loadEvents batchSize', batchSize, 'expected an integer >= 1')
  const connection = connectionOf(db)
  const writer = !connection
    ? insertWriter(db, table)
    : 'pool' in connection
      ? poolWriter(db, connection.pool, table)
      : pgliteWriter(db, connection.pglite, table)
  let loaded = 0
  let failed = true
  try {
    for await (const batch of batches(rows, batchSize)) {
      for (const [i, row] of batch.entries()) validateEvent(row.value, loaded + i)
      await writer.write(batch)
      loaded += batch.length
      onProgress?.(loaded)
    }
    failed = false
  } finally {
    await writer.close(failed)
  }
  return loaded
}
