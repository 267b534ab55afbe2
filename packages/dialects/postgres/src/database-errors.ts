import {
  AuthenticationError,
  ConnectionLostError,
  DatabaseUnreachableError,
  describeQuery,
  ModelHubDatabaseError,
  PermissionDeniedError,
  StatementTimeoutError,
  TableNotFoundError,
} from '@kysely-modelhub/core'

/**
 * The one place where Postgres errors (pg's, PGlite's, Node's socket errors) become the hub's
 * error classes. Anything not listed is passed through unchanged: the server's message is clearer
 * than a generic wrapper.
 */

/** Node's codes for a connection that could not be made. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT', // a unix socket path with no server behind it
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/** Node's codes for a socket that broke under an open connection. */
const BROKEN_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE'])

/**
 * SQLSTATEs of a server that ended the session: admin_shutdown (pg_terminate_backend, a fast
 * shutdown), crash_shutdown, and class 08 (connection exceptions).
 */
const SESSION_ENDED_STATES = new Set(['57P01', '57P02', '08000', '08003', '08006'])

/** pg's own messages when the socket closed under a client (pg gives them no code). */
const CLOSED_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const forQuery = (query: string | undefined): string => (query ? ` — query: ${describeQuery(query)}` : '')

/** Whether `error` means the connection is gone (so the client must be discarded, not reused). */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof ConnectionLostError) return true
  const code = codeOf(error)
  if (code !== undefined && (SESSION_ENDED_STATES.has(code) || BROKEN_SOCKET_CODES.has(code))) return true
  const message = messageOf(error)
  return CLOSED_MESSAGES.some((closed) => message.startsWith(closed))
}

/**
 * The error for a connection the server closed while `query` ran, or before it was sent (`sent:
 * false`): the query did not complete, and whatever the session kept (temporary tables, settings)
 * is gone with it.
 */
export function connectionLost(
  cause: unknown,
  query: string | undefined,
  { sent = true }: { readonly sent?: boolean } = {},
): ConnectionLostError {
  const what = sent ? 'the query did not complete' : 'the query was not sent'
  return new ConnectionLostError(
    `the database closed the connection (${messageOf(cause)}): ${what} and the connection was discarded, with its temporary tables and session settings; a read is safe to run again on a new connection (inside hub.withConnection / hub.connect: start a new scope and redo its work)${forQuery(query)}`,
    { cause, query },
  )
}

/** The hub's error for a failure to open a connection, or `error` itself when it is none of ours. */
export function toConnectError(error: unknown): unknown {
  const code = codeOf(error)
  if (code === '28P01' || code === '28000') {
    return new AuthenticationError(
      `the database refused the login (${messageOf(error)}): check the user and password in the connection string, and that the server's pg_hba.conf lets this user in from here`,
      { cause: error },
    )
  }
  if (
    (code !== undefined && (UNREACHABLE_CODES.has(code) || BROKEN_SOCKET_CODES.has(code) || code === '57P03')) ||
    messageOf(error).startsWith('Connection terminated') ||
    messageOf(error).startsWith('timeout exceeded when trying to connect')
  ) {
    return new DatabaseUnreachableError(
      `cannot reach the database (${messageOf(error)}): check the host, port or socket directory in the connection string and that the server is running and accepting connections; retry once it is up`,
      { cause: error },
    )
  }
  return error
}

/** The hub's error for a failed query, or `error` itself when it is none of ours. */
export function toQueryError(error: unknown, query: string | undefined): unknown {
  if (error instanceof ModelHubDatabaseError) return error
  if (isConnectionLoss(error)) return connectionLost(error, query)
  const code = codeOf(error)
  const message = messageOf(error)
  if (code === '42P01') {
    return new TableNotFoundError(
      `a table the query reads does not exist (${message}): check the hub's table option, the schema and the search_path; hub.check() names a missing table or columns up front${forQuery(query)}`,
      { cause: error, query },
    )
  }
  if (code === '42501') {
    return new PermissionDeniedError(
      `the database user may not do this (${message}): grant the privileges the README's "Security, privileges and failure" section lists for it${forQuery(query)}`,
      { cause: error, query },
    )
  }
  if (code === '57014' && message.includes('statement timeout')) {
    return new StatementTimeoutError(
      `the database stopped the query at its statement_timeout (${message}): raise statement_timeout for this role or session, or make the query cheaper (a shorter date range, materialized events)${forQuery(query)}`,
      { cause: error, query },
    )
  }
  return error
}
