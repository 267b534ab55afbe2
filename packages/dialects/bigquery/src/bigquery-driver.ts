import {
  BigQuery,
  BigQueryDate,
  BigQueryDatetime,
  BigQueryTime,
  BigQueryTimestamp,
  type Query,
} from '@google-cloud/bigquery'
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely'
import { toBigQueryError } from './bigquery-errors.ts'
import { bigQueryParameters } from './parameters.ts'

export interface BigQueryDialectConfig {
  /** The client to run queries on (creating one makes no network call). */
  readonly client: BigQuery
  /** The dataset that unqualified table names belong to. */
  readonly dataset?: string
  /** Where the jobs run, e.g. 'EU' or 'us-central1'. */
  readonly location?: string
  /** Fails a query that would bill more bytes than this, instead of running it. */
  readonly maximumBytesBilled?: number
  /** Rows per chunk when streaming (`.stream(n)` overrides it). */
  readonly chunkSize?: number
  /** BigQuery cancels a job that runs longer than this (the job's `jobTimeoutMs`). */
  readonly jobTimeoutMs?: number
}

/** Values as the rest of the model hub expects them: Date for TIMESTAMP, 'YYYY-MM-DD' for DATE, numbers. */
export function toJsValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof BigQueryTimestamp) return new Date(value.value)
  if (value instanceof BigQueryDate || value instanceof BigQueryDatetime || value instanceof BigQueryTime) {
    return value.value
  }
  if (Array.isArray(value)) return value.map(toJsValue)
  if (typeof value === 'object' && value.constructor?.name === 'Big') return Number(value)
  if (
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    // STRUCT values; parsed JSON is a plain object too and has nothing to convert.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsValue(v)]))
  }
  return value
}

const toJsRow = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsValue(v)]))

/** One "connection": BigQuery is stateless over HTTP, so connections only share the client. */
export class BigQueryConnection implements DatabaseConnection {
  readonly #config: BigQueryDialectConfig

  constructor(config: BigQueryDialectConfig) {
    this.#config = config
  }

  /** The request the client gets for a compiled query: named parameters with their types. */
  request(compiledQuery: CompiledQuery): Query {
    const { params, types } = bigQueryParameters(compiledQuery.parameters)
    const { client, dataset, location, maximumBytesBilled, jobTimeoutMs } = this.#config
    return {
      query: compiledQuery.sql,
      params,
      types: types as Query['types'],
      parseJSON: true,
      wrapIntegers: false,
      ...(location ? { location } : {}),
      ...(dataset ? { defaultDataset: { projectId: client.projectId, datasetId: dataset } } : {}),
      ...(maximumBytesBilled === undefined ? {} : { maximumBytesBilled: String(maximumBytesBilled) }),
      ...(jobTimeoutMs === undefined ? {} : { jobTimeoutMs }),
    }
  }

  /**
   * Runs a query job; aborting `signal` cancels the job on BigQuery (and the wait for it rejects).
   * An abort before the job exists (no answer yet: offline, DNS, credentials) rejects at once,
   * without `reached()` having been called: the query never started. Errors are the hub's classes.
   */
  async executeQuery<R>(
    compiledQuery: CompiledQuery,
    signal?: AbortSignal,
    reached?: () => void,
  ): Promise<QueryResult<R>> {
    signal?.throwIfAborted()
    try {
      const creating = this.#config.client.createQueryJob(this.request(compiledQuery))
      // A job created after an abort is cancelled at once, so it does not run (and bill) unseen.
      creating.then(
        ([created]) => {
          if (signal?.aborted) created.cancel().catch(() => {})
        },
        () => {},
      )
      const [job] = await untilAborted(creating, signal)
      reached?.()
      let cancel: (() => void) | undefined
      const cancelled = new Promise<never>((_, reject) => {
        cancel = () => {
          job.cancel().catch(() => {})
          reject(signal?.reason)
        }
      })
      cancelled.catch(() => {})
      if (signal?.aborted) cancel?.()
      else if (cancel) signal?.addEventListener('abort', cancel, { once: true })
      const results = job.getQueryResults({ wrapIntegers: false, parseJSON: true } as never)
      let rows: unknown
      try {
        ;[rows] = await (signal ? Promise.race([results, cancelled]) : results)
      } finally {
        if (cancel) signal?.removeEventListener('abort', cancel)
      }
      const affected = job.metadata?.statistics?.query?.numDmlAffectedRows
      return {
        rows: (rows as Record<string, unknown>[]).map(toJsRow) as R[],
        ...(affected === undefined || affected === null ? {} : { numAffectedRows: BigInt(affected) }),
      }
    } catch (error) {
      throw toBigQueryError(error, compiledQuery.sql)
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const rows = this.#config.client.createQueryStream(this.request(compiledQuery)) as AsyncIterable<
      Record<string, unknown>
    >
    try {
      for await (const chunk of inChunks(rows, chunkSize ?? this.#config.chunkSize ?? 1000)) {
        yield { rows: chunk.map(toJsRow) as R[] }
      }
    } catch (error) {
      throw toBigQueryError(error, compiledQuery.sql)
    }
  }

  /** The request of a dry run: what the query would process, with no cost and no rows. */
  dryRunRequest(compiledQuery: CompiledQuery): Query {
    return { ...this.request(compiledQuery), dryRun: true }
  }

  /** Bytes the query would process, from a dry run (no cost, no rows). */
  async dryRun(compiledQuery: CompiledQuery): Promise<number> {
    const [job] = await this.#config.client
      .createQueryJob(this.dryRunRequest(compiledQuery))
      .catch((error: unknown) => Promise.reject(toBigQueryError(error, compiledQuery.sql)))
    return Number(job.metadata?.statistics?.totalBytesProcessed ?? 0)
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  let stop = () => {}
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    stop = () => signal.removeEventListener('abort', onAbort)
  })
  return Promise.race([promise, aborted]).finally(stop)
}

/** Rows gathered into arrays of `size` (the last may be shorter), as they arrive. */
export async function* inChunks<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = []
  for await (const row of rows) {
    chunk.push(row)
    if (chunk.length >= size) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}

function noTransactions(): never {
  throw new Error('BigQuery transactions are not supported by this dialect; run statements one by one')
}

export class BigQueryDriver implements Driver {
  readonly #config: BigQueryDialectConfig

  constructor(config: BigQueryDialectConfig) {
    this.#config = config
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new BigQueryConnection(this.#config)
  }

  async beginTransaction(_connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    noTransactions()
  }

  async commitTransaction(): Promise<void> {
    noTransactions()
  }

  async rollbackTransaction(): Promise<void> {
    noTransactions()
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

export { BigQuery }
