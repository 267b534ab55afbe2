import { BigQuery } from '@google-cloud/bigquery'
import { rememberEngine } from '@kysely-modelhub/core'
import { Kysely } from 'kysely'
import { BigQueryDialect } from './bigquery-dialect.ts'
import { bigquery } from './bigquery-engine.ts'

export interface BigQueryDbOptions {
  readonly projectId: string
  /** The dataset unqualified table names belong to (e.g. where the `events` table is). */
  readonly dataset: string
  /** Where jobs run, e.g. 'EU'. */
  readonly location?: string
  /** A service account key file; otherwise Application Default Credentials. */
  readonly keyFilename?: string
  /** Fails a query that would bill more than this many bytes (a cost guard). */
  readonly maximumBytesBilled?: number
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
  const dialect = new BigQueryDialect({
    client,
    dataset: options.dataset,
    ...(options.location ? { location: options.location } : {}),
    ...(options.maximumBytesBilled === undefined ? {} : { maximumBytesBilled: options.maximumBytesBilled }),
  })
  return rememberEngine(new Kysely<DB>({ dialect }), bigquery)
}
