import { createServer, type Server, type Socket } from 'node:net'
import {
  AuthenticationError,
  DatabaseInternalError,
  DatabaseUnreachableError,
  PermissionDeniedError,
  QueryCancelledError,
  rememberCancellation,
  StatementTimeoutError,
  TableNotFoundError,
} from '@kysely-modelhub/core'
import { executeWithSignal } from '@kysely-modelhub/modelhub'
import { Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BigQuery, BigQueryConnection, BigQueryDialect, toBigQueryError } from '../src/index.ts'

/** An error shaped like the client's ApiError: the HTTP status as `code`, BigQuery's reasons in `errors`. */
function apiError(code: number, reason: string, message: string): Error {
  return Object.assign(new Error(message), { code, errors: [{ reason, message }] })
}

/** A network error as Node and gaxios give it: the system error code as `code`. */
function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

describe('BigQuery errors become the hub’s classes', () => {
  const query = 'select count(*) from `events`'
  const cases: [string, Error, new (...args: never[]) => Error, boolean, string][] = [
    [
      'a missing table',
      apiError(404, 'notFound', 'Not found: Table my-project:snowplow.events was not found in location EU'),
      TableNotFoundError,
      false,
      "a table the query reads does not exist (Not found: Table my-project:snowplow.events was not found in location EU): check the dataset and table options and the job's location — query: select count(*) from `events`",
    ],
    [
      'access denied',
      apiError(403, 'accessDenied', 'Access Denied: Table my-project:snowplow.events: User does not have permission'),
      PermissionDeniedError,
      false,
      'BigQuery denied access (Access Denied: Table my-project:snowplow.events: User does not have permission): grant the roles the README\'s "Security, privileges and failure" section lists (BigQuery Data Viewer on the table, Job User on the project) — query: select count(*) from `events`',
    ],
    [
      'an internal error of the job',
      apiError(500, 'jobInternalError', 'The job encountered an internal error during execution.'),
      DatabaseInternalError,
      true,
      'BigQuery failed on its side (The job encountered an internal error during execution.): this is retryable; run the query again, after a short wait — query: select count(*) from `events`',
    ],
    [
      'the job time limit',
      apiError(400, 'timeout', 'Job timed out after 1 sec'),
      StatementTimeoutError,
      false,
      'BigQuery stopped the job at its time limit (Job timed out after 1 sec): raise jobTimeoutMs, or make the query cheaper (a shorter date range, materialized events) — query: select count(*) from `events`',
    ],
    [
      'refused credentials',
      apiError(401, 'authError', 'Request had invalid authentication credentials.'),
      AuthenticationError,
      false,
      'BigQuery refused the credentials (Request had invalid authentication credentials.): check keyFilename or Application Default Credentials (gcloud auth application-default login) — query: select count(*) from `events`',
    ],
    [
      'no DNS',
      networkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN bigquery.googleapis.com'),
      DatabaseUnreachableError,
      true,
      'cannot reach BigQuery (getaddrinfo EAI_AGAIN bigquery.googleapis.com): check the network, DNS and any proxy between here and bigquery.googleapis.com; retry once it is reachable — query: select count(*) from `events`',
    ],
    [
      'an unknown host',
      networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND bigquery.googleapis.com'),
      DatabaseUnreachableError,
      true,
      'cannot reach BigQuery (getaddrinfo ENOTFOUND bigquery.googleapis.com): check the network, DNS and any proxy between here and bigquery.googleapis.com; retry once it is reachable — query: select count(*) from `events`',
    ],
  ]
  for (const [what, error, expected, retryable, message] of cases) {
    it(`${what}: ${expected.name}`, () => {
      const mapped = toBigQueryError(error, query) as Error & { retryable: boolean; query: string }
      expect(mapped).toBeInstanceOf(expected)
      expect({
        message: mapped.message,
        retryable: mapped.retryable,
        query: mapped.query,
        cause: mapped.cause,
      }).toEqual({
        message,
        retryable,
        query,
        cause: error,
      })
    })
  }

  it('passes other errors through unchanged: BigQuery’s own message is clearer', () => {
    const invalid = apiError(400, 'invalidQuery', 'Syntax error: Unexpected keyword FROM at [1:8]')
    expect(toBigQueryError(invalid, query)).toBe(invalid)
    const other = apiError(404, 'notFound', 'Not found: Job my-project:EU.job_123')
    expect(toBigQueryError(other, query)).toBe(other)
  })
})

describe('BigQuery that never answers [offline]', () => {
  // Accepts connections and never replies: a query sent here never starts.
  let blackHole: Server
  const sockets = new Set<Socket>()
  let port = 0
  beforeAll(async () => {
    blackHole = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
    port = (blackHole.address() as { port: number }).port
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => blackHole.close(resolve))
  })

  /** A Kysely like createBigQueryDb's, on a client sent to `endpoint` with an API key (no credential lookup). */
  const offlineDb = (endpoint: string): Kysely<any> => {
    const config = {
      client: new BigQuery({
        projectId: 'my-project',
        apiEndpoint: endpoint,
        apiKey: 'offline-test',
        autoRetry: false,
      }),
    }
    const db = new Kysely<any>({ dialect: new BigQueryDialect(config) })
    return rememberCancellation(db, (compiled, signal, reached) =>
      new BigQueryConnection(config).executeQuery(compiled, signal, reached),
    )
  }

  it('a timeout before the job exists says the query never started, not that it was cancelled', async () => {
    const error = (await executeWithSignal(offlineDb(`http://127.0.0.1:${port}`), sql`select 1`, {
      timeoutMs: 200,
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as QueryCancelledError
    expect(error).toBeInstanceOf(QueryCancelledError)
    expect(error.reachedDatabase).toBe(false)
    expect(error.message).toBe(
      'query never started on the database: it ran longer than timeoutMs 200 while waiting for a connection (every connection busy, or the database slow to answer or unreachable)',
    )
  })

  it('an endpoint that refuses connections: DatabaseUnreachableError', async () => {
    const error = await sql`select 1`.execute(offlineDb('http://127.0.0.1:1')).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DatabaseUnreachableError)
    expect((error as Error).message).toMatch(/^cannot reach BigQuery \(.*ECONNREFUSED.*\): check the network/)
  })
})
