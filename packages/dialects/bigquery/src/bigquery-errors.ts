import {
  AuthenticationError,
  DatabaseInternalError,
  DatabaseUnreachableError,
  describeQuery,
  ModelHubDatabaseError,
  PermissionDeniedError,
  StatementTimeoutError,
  TableNotFoundError,
} from '@kysely-modelhub/core'

/**
 * The one place where the BigQuery client's errors become the hub's error classes. The client
 * rejects with an ApiError (`code`: the HTTP status, `errors[].reason`: BigQuery's error reason,
 * https://cloud.google.com/bigquery/docs/error-messages), or with a Node/gaxios network error
 * (`code`: 'ENOTFOUND', …). Anything not listed passes through unchanged.
 */

/** Node's codes for a request that never reached BigQuery. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

interface ClientError {
  readonly code?: unknown
  readonly message?: unknown
  readonly errors?: readonly { readonly reason?: unknown; readonly message?: unknown }[]
}

function reasonsOf(error: ClientError): string[] {
  return (error.errors ?? []).map((e) => e.reason).filter((r): r is string => typeof r === 'string')
}

const forQuery = (query: string | undefined): string => (query ? ` — query: ${describeQuery(query)}` : '')

/** The hub's error for an error of the BigQuery client, or `error` itself when it is none of ours. */
export function toBigQueryError(error: unknown, query?: string): unknown {
  if (error instanceof ModelHubDatabaseError || typeof error !== 'object' || error === null) return error
  const shaped = error as ClientError
  const message = typeof shaped.message === 'string' ? shaped.message : String(error)
  const reasons = reasonsOf(shaped)
  const options = { cause: error, query }
  if (typeof shaped.code === 'string' && NETWORK_CODES.has(shaped.code)) {
    return new DatabaseUnreachableError(
      `cannot reach BigQuery (${message}): check the network, DNS and any proxy between here and bigquery.googleapis.com; retry once it is reachable${forQuery(query)}`,
      options,
    )
  }
  if (
    shaped.code === 401 ||
    reasons.includes('authError') ||
    message.includes('Could not load the default credentials') ||
    message.includes('invalid_grant')
  ) {
    return new AuthenticationError(
      `BigQuery refused the credentials (${message}): check keyFilename or Application Default Credentials (gcloud auth application-default login)${forQuery(query)}`,
      options,
    )
  }
  if (reasons.includes('accessDenied')) {
    return new PermissionDeniedError(
      `BigQuery denied access (${message}): grant the roles the README's "Security, privileges and failure" section lists (BigQuery Data Viewer on the table, Job User on the project)${forQuery(query)}`,
      options,
    )
  }
  if (reasons.includes('notFound') && /Not found: (Table|Dataset|View)/i.test(message)) {
    return new TableNotFoundError(
      `a table the query reads does not exist (${message}): check the dataset and table options and the job's location${forQuery(query)}`,
      options,
    )
  }
  if (reasons.includes('timeout')) {
    return new StatementTimeoutError(
      `BigQuery stopped the job at its time limit (${message}): raise jobTimeoutMs, or make the query cheaper (a shorter date range, materialized events)${forQuery(query)}`,
      options,
    )
  }
  if (reasons.some((r) => r === 'jobInternalError' || r === 'backendError' || r === 'internalError')) {
    return new DatabaseInternalError(
      `BigQuery failed on its side (${message}): this is retryable; run the query again, after a short wait${forQuery(query)}`,
      options,
    )
  }
  return error
}
