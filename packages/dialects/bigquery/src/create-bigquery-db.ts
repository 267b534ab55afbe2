import { BigQuery } from '@google-cloud/bigquery'
import { rememberCancellation, rememberEngine } from '@kysely-modelhub/core'
import { type Compilable, Kysely } from 'kysely'
import { BigQueryDialect } from './bigquery-dialect.ts'
import { BigQueryConnection, type BigQueryDialectConfig } from './bigquery-driver.ts'
import { bigquery } from './bigquery-engine.ts'

export interface BigQueryDbOptions {
  readonly projectId: string
  /** The dataset unqualified table names belong to (e.g. where the `events` table is); 'project.dataset' for another project's. */
  readonly dataset: string
  /** Where jobs run, e.g. 'EU'. */
  readonly location?: string
  /** A service account key file; otherwise Application Default Credentials. */
  readonly keyFilename?: string
  /** Fails a query that would bill more than this many bytes (a cost guard). */
  readonly maximumBytesBilled?: number
  /** BigQuery cancels any job of this Kysely that runs longer than this many milliseconds. */
  readonly jobTimeoutMs?: number
  /** Labels put on every job, e.g. `{ app: 'modelhub' }` (billing reports, INFORMATION_SCHEMA.JOBS). */
  readonly labels?: Readonly<Record<string, string>>
  /** Text every job id starts with, e.g. 'modelhub_'. */
  readonly jobPrefix?: string
  /** Re-runs of a job that failed with a transient reason (backendError, rateLimitExceeded, …); default 3. */
  readonly jobRetries?: number
  /** Wait before the first re-run, doubled for each next one; default 1000 ms. */
  readonly jobRetryDelayMs?: number
}

/**
 * A Kysely on BigQuery that speaks the bigquery engine. Makes no network call until a query runs.
 *
 * @example const db = createBigQueryDb<Database>({ projectId: 'my-project', dataset: 'snowplow' })
 */
export function createBigQueryDb<DB>(options: BigQueryDbOptions): Kysely<DB> {
  const client = new BigQuery({
    projectId: options.projectId,
    ...(options.location ? { location: options.location } : {}),
    ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
  })
  const config: BigQueryDialectConfig = {
    client,
    dataset: options.dataset,
    ...(options.location ? { location: options.location } : {}),
    ...(options.maximumBytesBilled === undefined ? {} : { maximumBytesBilled: options.maximumBytesBilled }),
    ...(options.jobTimeoutMs === undefined ? {} : { jobTimeoutMs: options.jobTimeoutMs }),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.jobPrefix ? { jobPrefix: options.jobPrefix } : {}),
    ...(options.jobRetries === undefined ? {} : { jobRetries: options.jobRetries }),
    ...(options.jobRetryDelayMs === undefined ? {} : { jobRetryDelayMs: options.jobRetryDelayMs }),
  }
  const db = new Kysely<DB>({ dialect: new BigQueryDialect(config) })
  configs.set(db, config)
  rememberCancellation(db, async (compiled, signal, reached) => {
    // A connection of its own, like a single query's: a session it had to start ends with it.
    const connection = new BigQueryConnection(config)
    try {
      return await connection.executeQuery(compiled, signal, reached)
    } finally {
      await connection.endSession()
    }
  })
  return rememberEngine(db, bigquery)
}

// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
const configs = new WeakMap<Kysely<any>, BigQueryDialectConfig>()

/**
 * The bytes BigQuery would process for a query, from a free dry run (a cost check before running it).
 *
 * @example if ((await dryRunBytes(db, hub.agg.uniqueUsers(hub.events()))) > 10e9) throw new Error('too costly')
 */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export async function dryRunBytes(db: Kysely<any>, query: Compilable): Promise<number> {
  const config = configs.get(db)
  if (!config) throw new Error('dryRunBytes needs a Kysely made by createBigQueryDb')
  return new BigQueryConnection(config).dryRun(query.compile())
}
