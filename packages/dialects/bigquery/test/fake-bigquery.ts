import { createServer, type IncomingMessage, type Server } from 'node:http'
import { BigQuery } from '@google-cloud/bigquery'

/**
 * A local HTTP server answering the BigQuery REST calls the driver makes (jobs.insert,
 * jobs.getQueryResults, jobs.get, jobs.cancel, and jobs.query for streams) with the replies a test gives, in the shapes BigQuery's REST
 * reference documents. It records every request, so a test can assert what the real client sent.
 * It tests the driver's requests and decoding only: model results are tested on ZetaSQL.
 */

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: any
}

export interface FakeReplies {
  /** The reply to jobs.insert, given the request body (a Job resource, maybe with status.errorResult). */
  insert(body: any, attempt: number): object
  /** The replies to jobs.getQueryResults for a job, in order (the last one repeats). */
  results(jobId: string, query: URLSearchParams): { status?: number; body: object }
  /** The reply to jobs.get for a job (its resource, as BigQuery has it now); 404 when absent. */
  job?(jobId: string): object
  /** The reply to jobs.query (a QueryResponse), which the client's query stream calls; 404 when absent. */
  query?(body: any): object
}

export interface FakeBigQuery {
  readonly client: BigQuery
  readonly requests: RecordedRequest[]
  close(): Promise<void>
}

async function bodyOf(request: IncomingMessage): Promise<any> {
  let text = ''
  for await (const chunk of request) text += chunk
  return text ? JSON.parse(text) : undefined
}

/** Starts the server on 127.0.0.1 and a real client pointed at it (an API key: no credential lookup). */
export async function startFakeBigQuery(replies: FakeReplies): Promise<FakeBigQuery> {
  const requests: RecordedRequest[] = []
  let inserts = 0
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const body = await bodyOf(request)
    requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, body })
    const send = (status: number, json: object) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(json))
    }
    const results = /\/projects\/[^/]+\/queries\/([^/]+)$/.exec(url.pathname)
    const job = /\/projects\/[^/]+\/jobs\/([^/]+)$/.exec(url.pathname)
    if (request.method === 'POST' && url.pathname.endsWith('/jobs')) send(200, replies.insert(body, inserts++))
    else if (request.method === 'GET' && results?.[1]) {
      const reply = replies.results(results[1], url.searchParams)
      send(reply.status ?? 200, reply.body)
    } else if (request.method === 'GET' && job?.[1] && replies.job) send(200, replies.job(job[1]))
    else if (request.method === 'POST' && url.pathname.endsWith('/queries') && replies.query)
      send(200, replies.query(body))
    else if (url.pathname.endsWith('/cancel')) send(200, { kind: 'bigquery#jobCancelResponse' })
    else send(404, { error: { code: 404, message: `no fake for ${request.method} ${url.pathname}` } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const client = new BigQuery({
    projectId: 'my-project',
    apiEndpoint: `http://127.0.0.1:${port}`,
    apiKey: 'fake-key',
    autoRetry: false,
  })
  return {
    client,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A jobs.insert reply: the job as BigQuery returns it right after creating it, still running. */
export function runningJob(body: any): object {
  return {
    kind: 'bigquery#job',
    id: `my-project:US.${body.jobReference.jobId}`,
    jobReference: { ...body.jobReference, location: 'US' },
    configuration: body.configuration,
    status: { state: 'RUNNING' },
    statistics: { creationTime: '1609459200000', startTime: '1609459200100' },
  }
}

/** A jobs.insert reply of a job that failed at once with `reason` (status.errorResult and errors). */
export function failedJob(body: any, reason: string, message: string): object {
  const error = { reason, message }
  return { ...runningJob(body), status: { state: 'DONE', errorResult: error, errors: [error] } }
}

/**
 * The session a jobs.insert request runs in, as BigQuery decides it: a new one (`session-<n>`) for
 * `createSession`, the one named by the `session_id` connection property, or none.
 */
export function sessionOf(body: any, newId: () => string): string | undefined {
  const query = body.configuration?.query ?? {}
  if (query.createSession) return newId()
  return query.connectionProperties?.find((p: { key: string }) => p.key === 'session_id')?.value
}

/** A running job's reply with the session it runs in (statistics.sessionInfo), as the REST reference has it. */
export function jobInSession(body: any, sessionId: string | undefined): object {
  const job = runningJob(body) as { statistics: object }
  return sessionId ? { ...job, statistics: { ...job.statistics, sessionInfo: { sessionId } } } : job
}
