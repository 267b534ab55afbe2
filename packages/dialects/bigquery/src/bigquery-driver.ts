import { BigQuery, type Job, type Query } from '@google-cloud/bigquery'
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely'
import { toBigQueryError } from './bigquery-errors.ts'
import { datasetReference } from './dataset-reference.ts'
import { withJobRetries } from './job-retry.ts'
import { bigQueryParameters } from './parameters.ts'
import { toJsInteger, toJsRow } from './result-values.ts'
import { needsSession } from './session-statements.ts'
import { BigQueryUnsupportedError } from './unsupported.ts'

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

/**
 * Where a job runs: outside any session, in a session it creates (`createSession`), or in the
 * connection's session (the `session_id` connection property).
 */
export type SessionUse = { readonly create: true } | { readonly id: string } | undefined

/** The session a job resource (jobs.insert reply or jobs.get) says the job ran in. */
function sessionIdOf(job: unknown): string | undefined {
  const id = (job as { statistics?: { sessionInfo?: { sessionId?: unknown } } } | undefined)?.statistics?.sessionInfo
    ?.sessionId
  return typeof id === 'string' && id !== '' ? id : undefined
}

/**
 * One Kysely connection. BigQuery is stateless over HTTP, so a connection is only the client, until
 * it needs state: its first temporary table (or function) or transaction starts a BigQuery session,
 * every later query of the connection runs in it, and releasing the connection ends it. A connection
 * that never needs one costs no extra job.
 */
export class BigQueryConnection implements DatabaseConnection {
  readonly #config: BigQueryDialectConfig
  #sessionId: string | undefined

  constructor(config: BigQueryDialectConfig) {
    this.#config = config
  }

  /** The id of this connection's BigQuery session, once it has one. */
  get sessionId(): string | undefined {
    return this.#sessionId
  }

  /** The request the client gets for a compiled query: named parameters with their types, and the session. */
  request(compiledQuery: CompiledQuery, session?: SessionUse): Query {
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
      ...(session && 'create' in session ? { createSession: true } : {}),
      ...(session && 'id' in session ? { connectionProperties: [{ key: 'session_id', value: session.id }] } : {}),
    }
  }

  /** The session a job of this connection runs in now: its own, a new one when `start`, else none. */
  #sessionUse(start: boolean): SessionUse {
    if (this.#sessionId !== undefined) return { id: this.#sessionId }
    return start ? { create: true } : undefined
  }

  /**
   * Runs a query job; aborting `signal` cancels the job on BigQuery (and the wait for it rejects).
   * An abort before the job exists (no answer yet: offline, DNS, credentials) rejects at once,
   * without `reached()` having been called: the query never started. A job that fails with a
   * transient reason runs again as a new job (see job-retry.ts). Errors are the hub's classes.
   */
  executeQuery<R>(compiledQuery: CompiledQuery, signal?: AbortSignal, reached?: () => void): Promise<QueryResult<R>> {
    return this.#execute(compiledQuery, needsSession(compiledQuery), signal, reached)
  }

  /** Runs `compiledQuery` in the connection's session, starting one first when `startSession`. */
  async #execute<R>(
    compiledQuery: CompiledQuery,
    startSession: boolean,
    signal?: AbortSignal,
    reached?: () => void,
  ): Promise<QueryResult<R>> {
    signal?.throwIfAborted()
    const { jobRetries = 3, jobRetryDelayMs = 1000 } = this.#config
    try {
      return await withJobRetries(
        () => this.#runJob<R>(compiledQuery, this.#sessionUse(startSession), signal, reached),
        { retries: jobRetries, delayMs: jobRetryDelayMs },
        signal,
      )
    } catch (error) {
      throw toBigQueryError(error, compiledQuery.sql)
    }
  }

  /** One query job, from creating it to its last page of rows; a job that creates a session keeps its id. */
  async #runJob<R>(
    compiledQuery: CompiledQuery,
    session: SessionUse,
    signal?: AbortSignal,
    reached?: () => void,
  ): Promise<QueryResult<R>> {
    const creates = session !== undefined && 'create' in session
    const creating = this.#config.client.createQueryJob(this.request(compiledQuery, session))
    // A job that failed at once may still have made the session: keep it, so release ends it.
    if (creates) creating.catch((error: { response?: unknown }) => this.#keepSession(sessionIdOf(error?.response)))
    // A job created after an abort is cancelled at once, so it does not run (and bill) unseen.
    creating.then(
      ([created]) => {
        if (signal?.aborted) created.cancel().catch(() => {})
      },
      () => {},
    )
    const [job] = await untilAborted(creating, signal)
    if (creates) this.#keepSession(sessionIdOf(job.metadata))
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
      if (creates && this.#sessionId === undefined) await this.#readSession(job)
      return {
        rows: rows.map(toJsRow) as R[],
        ...(affected === undefined ? {} : { numAffectedRows: affected }),
      }
    } finally {
      if (cancel) signal?.removeEventListener('abort', cancel)
    }
  }

  /** Keeps the id of the session a job created (the first one, if retries made more). */
  #keepSession(id: string | undefined): void {
    this.#sessionId ??= id
  }

  /** The session of a finished job whose jobs.insert reply had none yet, from jobs.get. */
  async #readSession(job: Job): Promise<void> {
    const [metadata] = await job.getMetadata()
    this.#keepSession(sessionIdOf(metadata))
    if (this.#sessionId === undefined) {
      throw new Error(
        `BigQuery ran job ${job.id} with createSession but reported no session (statistics.sessionInfo): its temporary tables are out of reach`,
      )
    }
  }

  /** Starts a transaction in the connection's session (started now if it has none). */
  async beginTransaction(): Promise<void> {
    await this.#execute(CompiledQuery.raw('BEGIN TRANSACTION'), true)
  }

  async commitTransaction(): Promise<void> {
    await this.#execute(CompiledQuery.raw('COMMIT TRANSACTION'), false)
  }

  /**
   * Rolls the transaction back. When ROLLBACK fails (the connection's network, or the transaction
   * already ended), the session is ended instead: an open transaction ends with its session, so
   * nothing is committed either way, and the app's own error is not replaced by this one.
   */
  async rollbackTransaction(): Promise<void> {
    try {
      await this.#execute(CompiledQuery.raw('ROLLBACK TRANSACTION'), false)
    } catch (error) {
      if (!(await this.endSession())) throw error
    }
  }

  /**
   * Ends the connection's session, if it has one (`CALL BQ.ABORT_SESSION()` run in it): its
   * temporary tables and any open transaction go with it. Never throws: a session that cannot be
   * ended now ends by itself after 24 hours unused. Resolves to whether a session was ended.
   */
  async endSession(): Promise<boolean> {
    if (this.#sessionId === undefined) return false
    try {
      await this.#execute(CompiledQuery.raw('CALL BQ.ABORT_SESSION()'), false)
      return true
    } catch {
      return false
    } finally {
      this.#sessionId = undefined
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // A stream runs in the connection's session if it has one, but never starts one.
    const session = this.#sessionUse(false)
    const rows = this.#config.client.createQueryStream(this.request(compiledQuery, session)) as AsyncIterable<
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

function noSavepoints(): never {
  throw new BigQueryUnsupportedError(
    'BigQuery transactions have no savepoints; roll back the whole transaction, or split it into several',
  )
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

  /**
   * `BEGIN TRANSACTION` in the connection's BigQuery session (a transaction over several queries
   * needs one). BigQuery's transactions have snapshot isolation and no read-only mode.
   */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new BigQueryUnsupportedError(
        `BigQuery transactions always run with snapshot isolation, read-write (got ${[settings.isolationLevel, settings.accessMode].filter(Boolean).join(', ')}); leave out setIsolationLevel and setAccessMode`,
      )
    }
    await (connection as BigQueryConnection).beginTransaction()
  }

  /** `COMMIT TRANSACTION` in the connection's session. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as BigQueryConnection).commitTransaction()
  }

  /** `ROLLBACK TRANSACTION` in the connection's session (its end, when that fails: see the connection). */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as BigQueryConnection).rollbackTransaction()
  }

  async savepoint(): Promise<void> {
    noSavepoints()
  }

  async rollbackToSavepoint(): Promise<void> {
    noSavepoints()
  }

  async releaseSavepoint(): Promise<void> {
    noSavepoints()
  }

  /** Ends the connection's session, if it started one: its temporary tables go with it. */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as BigQueryConnection).endSession()
  }

  async destroy(): Promise<void> {}
}

export { BigQuery }
