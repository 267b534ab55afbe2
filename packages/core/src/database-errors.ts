/**
 * Errors a database gave, in the product's words, so a caller can branch on what happened
 * (`error instanceof ConnectionLostError && error.retryable`) without knowing the driver's codes.
 * Each engine maps its driver's errors to these in one place; the driver's error stays as `cause`.
 */

export interface DatabaseErrorOptions {
  /** The driver's own error. */
  readonly cause?: unknown
  /** The SQL that failed, when there was one. */
  readonly query?: string | undefined
}

/** The base of every database failure the hub reports; `retryable` says whether running it again may succeed. */
export class ModelHubDatabaseError extends Error {
  override readonly name: string = 'ModelHubDatabaseError'
  /** Whether the same query may succeed when run again, unchanged (on a new connection). */
  readonly retryable: boolean = false
  /** The SQL that failed, if a query was running. */
  readonly query: string | undefined

  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.query = options.query
  }
}

/**
 * The server closed the connection under a query or a held connection (restart, failover,
 * pg_terminate_backend, idle timeout). The query did not complete, and anything kept on that
 * connection (temporary tables, session settings) is gone; the connection was discarded.
 */
export class ConnectionLostError extends ModelHubDatabaseError {
  override readonly name = 'ConnectionLostError'
  override readonly retryable = true
}

/** No connection could be made: wrong host or port, server down, socket missing, DNS failure. */
export class DatabaseUnreachableError extends ModelHubDatabaseError {
  override readonly name = 'DatabaseUnreachableError'
  override readonly retryable = true
}

/** The database refused the credentials (wrong password, unknown role, no pg_hba entry, no valid token). */
export class AuthenticationError extends ModelHubDatabaseError {
  override readonly name = 'AuthenticationError'
}

/** The table (or view) a query reads does not exist, or is not visible to this user. */
export class TableNotFoundError extends ModelHubDatabaseError {
  override readonly name = 'TableNotFoundError'
}

/** The user is not allowed to do what the query does (see the README's privileges table). */
export class PermissionDeniedError extends ModelHubDatabaseError {
  override readonly name = 'PermissionDeniedError'
}

/** The database stopped the query at a time limit of its own (Postgres `statement_timeout`). */
export class StatementTimeoutError extends ModelHubDatabaseError {
  override readonly name = 'StatementTimeoutError'
}

/** The database failed on its side for a reason of its own (BigQuery `jobInternalError`, `backendError`). */
export class DatabaseInternalError extends ModelHubDatabaseError {
  override readonly name = 'DatabaseInternalError'
  override readonly retryable = true
}

/** The start of a query's SQL, on one line, for a message. */
export function describeQuery(query: string | undefined): string {
  if (query === undefined) return ''
  const line = query.replace(/\s+/g, ' ').trim()
  return line.length > 120 ? `${line.slice(0, 117)}...` : line
}
