import { BigQuery, type Job, type Query } from '@google-cloud/bigquery'
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely'
import { toBigQueryError } from './bigquery-errors.ts'
import { datasetReference } from './dataset-reference.ts'
import { withJobRetries } from './job-retry.ts'
import { bigQueryParameters } from './parameters.ts'
import { toJsInteger, toJsRow } from './result-values.ts'

export interface BigQueryDialectConfig {
  /** The client to run queries on (creating one makes no network call). */
  readonly client: BigQuery
  /** The dataset that unqualified table names belong to: 'dataset', or 'project.dataset' for another project's. */
  readonly dataset?: string
  /** Where the jobs run, e.g. 'EU' or 'us-central1'. */
  readonly location?: string
  /** Fails a query that would bill more bytes than this, instead of running it. */
  readonly maximumBytesBilled?: number
  /** Rows per chunk when streaming (`.stream(n)` overrides it). */
  readonly chunkSize?: number
  /** BigQuery cancels a job that runs longer than this (the job's `jobTimeoutMs`). */
  readonly jobTimeoutMs?: number
  /** Labels put on every job (for billing reports and INFORMATION_SCHEMA.JOBS), e.g. `{ app: 'modelhub' }`. */
  readonly labels?: Readonly<Record<string, string>>
  /** Text that every job id starts with, e.g. 'modelhub_', to find the jobs in the console. */
  readonly jobPrefix?: string
  /** Runs of a job that failed with a transient reason (backendError, rateLimitExceeded, …) after the first; default 3. */
  readonly jobRetries?: number
  /** Wait before the first re-run of a failed job, doubled for each next one; default 1000 ms. */
  readonly jobRetryDelayMs?: number
}

/** INT64 as number, or bigint beyond 2^53 (wrapIntegers: false would round it). */
const WRAP_INTEGERS = { integerTypeCastFunction: toJsInteger }

/** One "connection": BigQuery is stateless over HTTP, so connections only share the client. */
export class BigQueryConnection implements DatabaseConnection {
  readonly #config: BigQueryDialectConfig

  constructor(config: BigQueryDialectConfig) {
    this.#config = config
  }

  /** The request the client gets for a compiled query: named parameters with their types. */
  request(compiledQuery: CompiledQuery): Query {
    const { params, types } = bigQueryParameters(compiledQuery.parameters)
    const { client, dataset, location, maximumBytesBilled, jobTimeoutMs, labels, jobPrefix } = this.#config
    return {
      query: compiledQuery.sql,
      params,
      types: types as Query['types'],
      parseJSON: true,
      wrapIntegers: WRAP_INTEGERS,
      ...(location ? { location } : {}),
      ...(dataset ? { defaultDataset: datasetReference(client.projectId, dataset) } : {}),
      ...(maximumBytesBilled === undefined ? {} : { maximumBytesBilled: String(maximumBytesBilled) }),
      ...(jobTimeoutMs === undefined ? {} : { jobTimeoutMs }),
      ...(labels ? { labels: { ...labels } } : {}),
      ...(jobPrefix ? { jobPrefix } : {}),
    }
  }

  /**
   * Runs a query job; aborting `signal` cancels the job on BigQuery (and the wait for it rejects).
   * An abort before the job exists (no answer yet: offline, DNS, credentials) rejects at once,
   * without `reached()` having been called: the query never started. A job that fails with a
   * transient reason runs again as a new job (see job-retry.ts). Errors are the hub's classes.
   */
  async executeQuery<R>(
    compiledQuery: CompiledQuery,
    signal?: AbortSignal,
    reached?: () => void,
  ): Promise<QueryResult<R>> {
    signal?.throwIfAborted()
    const { jobRetries = 3, jobRetryDelayMs = 1000 } = this.#config
    try {
      return await withJobRetries(
        () => this.#runJob<R>(compiledQuery, signal, reached),
        { retries: jobRetries, delayMs: jobRetryDelayMs },
        signal,
      )
    } catch (error) {
      throw toBigQueryError(error, compiledQuery.sql)
    }
  }

  /** One query job, from creating it to its last page of rows. */
  async #runJob<R>(compiledQuery: CompiledQuery, signal?: AbortSignal, reached?: () => void): Promise<QueryResult<R>> {
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
    try {
      const results = allResults(job)
      const { rows, affected } = await (signal ? Promise.race([results, cancelled]) : results)
      return {
        rows: rows.map(toJsRow) as R[],
        ...(affected === undefined ? {} : { numAffectedRows: affected }),
      }
    } finally {
      if (cancel) signal?.removeEventListener('abort', cancel)
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

/**
 * Every page of a job's results, and the DML row count from the getQueryResults reply
 * (`numDmlAffectedRows`): the job's metadata from jobs.insert is of a job still running and has none.
 * Pages are fetched one by one (autoPaginate off), because autoPagination drops that reply.
 */
async function allResults(job: Job): Promise<{ rows: Record<string, unknown>[]; affected?: bigint }> {
  const rows: Record<string, unknown>[] = []
  let affected: bigint | undefined
  let options: object | null = { wrapIntegers: WRAP_INTEGERS, parseJSON: true, autoPaginate: false }
  while (options) {
    // The client's declarations lack the reply (third element) and the page token in options.
    const [page, next, reply] = (await job.getQueryResults(options as never)) as unknown as [
      Record<string, unknown>[],
      object | null,
      { numDmlAffectedRows?: string } | undefined,
    ]
    rows.push(...page)
    if (reply?.numDmlAffectedRows !== undefined) affected = BigInt(reply.numDmlAffectedRows)
    options = next
  }
  return affected === undefined ? { rows } : { rows, affected }
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
