import { DatabaseInternalError } from '@kysely-modelhub/core'
import { Kysely, sql } from 'kysely'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BigQueryConnection,
  BigQueryDialect,
  type BigQueryDialectConfig,
  BigQueryUnsupportedError,
  typed,
} from '../src/index.ts'
import {
  type FakeBigQuery,
  failedJob,
  jobInSession,
  runningJob,
  sessionOf,
  startFakeBigQuery,
} from './fake-bigquery.ts'

/**
 * The real client and driver against a local server giving BigQuery's documented REST replies:
 * what the driver sends (parameters, labels, job ids) and how it reads replies (DML counts, pages,
 * values, failed jobs). No model results here: those run on ZetaSQL.
 */

interface Db {
  events: { event_id: string; n: number | null }
}

let fake: FakeBigQuery | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const done = (body: object = {}) => ({
  body: {
    kind: 'bigquery#getQueryResultsResponse',
    jobReference: { projectId: 'my-project', jobId: 'job', location: 'US' },
    totalBytesProcessed: '0',
    cacheHit: false,
    jobComplete: true,
    ...body,
  },
})

function dbOn(f: FakeBigQuery, config: Partial<BigQueryDialectConfig> = {}): Kysely<Db> {
  return new Kysely<Db>({ dialect: new BigQueryDialect({ client: f.client, jobRetryDelayMs: 1, ...config }) })
}

const inserts = (f: FakeBigQuery) => f.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'))

describe('BigQuery driver over REST', () => {
  it('reports the DML row count of the getQueryResults reply for update, delete and insert', async () => {
    fake = await startFakeBigQuery({
      insert: runningJob,
      results: () => done({ totalRows: '0', numDmlAffectedRows: '3', dmlStats: { updatedRowCount: '3' } }),
    })
    const db = dbOn(fake)
    const updated = await db.updateTable('events').set({ n: 1 }).where('event_id', '=', 'a').executeTakeFirst()
    expect(updated.numUpdatedRows).toBe(3n)
    const deleted = await db.deleteFrom('events').where('n', '=', 1).executeTakeFirst()
    expect(deleted.numDeletedRows).toBe(3n)
    const inserted = await db.insertInto('events').values({ event_id: 'b', n: null }).executeTakeFirst()
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n)
    // The count is read from the reply, not from the job jobs.insert returned (still RUNNING, no statistics.query).
    expect(inserts(fake)[2]?.body.configuration.query.query).toBe(
      'insert into `events` (`event_id`, `n`) values (@p0, null)',
    )
  })

  it('waits for the job and reads every page; exact INT64 and NUMERIC, DATETIME with a space, JSON untouched', async () => {
    const schema = {
      fields: [
        { name: 'small', type: 'INTEGER' },
        { name: 'big', type: 'INTEGER' },
        { name: 'ratio', type: 'NUMERIC' },
        { name: 'precise', type: 'NUMERIC' },
        { name: 'huge', type: 'BIGNUMERIC' },
        { name: 'at', type: 'DATETIME' },
        { name: 'moment', type: 'TIMESTAMP' },
        { name: 'j', type: 'JSON' },
      ],
    }
    const row = (small: string) => ({
      f: [
        { v: small },
        { v: '9223372036854775807' },
        { v: '1.25' },
        { v: '12345678901234567.123456789' },
        { v: '578960446186580977117854925043439539266.34992332820282019728792003956564819967' },
        { v: '2021-01-02T03:04:05.123456' },
        { v: '1609459200123000' },
        { v: '{"constructor":{"name":"Big"}}' },
      ],
    })
    const pages: Record<string, object> = {
      '': done({ schema, rows: [row('1')], totalRows: '2', pageToken: 'page2' }),
      page2: done({ schema, rows: [row('2')], totalRows: '2' }),
    }
    let polled = false
    fake = await startFakeBigQuery({
      insert: runningJob,
      results: (_, query) => {
        // The first poll finds the job still running (jobComplete false), as BigQuery replies after its wait.
        if (!polled) {
          polled = true
          return done({ jobComplete: false })
        }
        return pages[query.get('pageToken') ?? ''] as { body: object }
      },
    })
    const rows = await sql`select 1`.execute(dbOn(fake))
    const expected = (small: number) => ({
      small,
      big: 9223372036854775807n,
      ratio: 1.25,
      precise: '12345678901234567.123456789',
      huge: '578960446186580977117854925043439539266.34992332820282019728792003956564819967',
      at: '2021-01-02 03:04:05.123456',
      moment: new Date('2021-01-01T00:00:00.123Z'),
      j: { constructor: { name: 'Big' } },
    })
    expect(rows.rows).toEqual([expected(1), expected(2)])
    expect(rows.numAffectedRows).toBeUndefined()
  })

  it('sends typed values as BigQuery expects them, never as NULL or objects', async () => {
    fake = await startFakeBigQuery({ insert: runningJob, results: () => done({ totalRows: '0' }) })
    const when = new Date('2021-01-02T03:04:05.678Z')
    await sql`select ${sql.join([
      typed('2021-01-01', 'DATE'),
      typed('2021-01-01 03:04:05', 'DATETIME'),
      typed('03:04:05.5', 'TIME'),
      typed('2021-01-01T00:00:00Z', 'TIMESTAMP'),
      when,
      [when, when],
      typed([when], ['DATE']),
      typed(when, 'DATETIME'),
      new Uint8Array([1, 2, 3]),
      typed(null, 'INT64'),
      typed('POINT(1 2)', 'GEOGRAPHY'),
      typed({ a: [1] }, 'JSON'),
      12345678901234567890n,
      typed('1.5', 'NUMERIC'),
    ])}`.execute(dbOn(fake))
    const parameters = inserts(fake)[0]?.body.configuration.query.queryParameters
    const scalar = (type: string, value: unknown) => ({ parameterType: { type }, parameterValue: { value } })
    const array = (type: string, values: unknown[]) => ({
      parameterType: { type: 'ARRAY', arrayType: { type } },
      parameterValue: { arrayValues: values.map((value) => ({ value })) },
    })
    expect(parameters).toEqual(
      [
        scalar('DATE', '2021-01-01'),
        scalar('DATETIME', '2021-01-01 03:04:05'),
        scalar('TIME', '03:04:05.5'),
        scalar('TIMESTAMP', '2021-01-01T00:00:00.000Z'),
        scalar('TIMESTAMP', '2021-01-02T03:04:05.678Z'),
        array('TIMESTAMP', ['2021-01-02T03:04:05.678Z', '2021-01-02T03:04:05.678Z']),
        array('DATE', ['2021-01-02']),
        scalar('DATETIME', '2021-01-02 03:04:05.678000'),
        scalar('BYTES', 'AQID'),
        scalar('INT64', null),
        scalar('GEOGRAPHY', 'POINT(1 2)'),
        scalar('JSON', '{"a":[1]}'),
        scalar('INT64', '12345678901234567890'),
        scalar('NUMERIC', '1.5'),
      ].map((p, i) => ({ name: `p${i}`, ...p })),
    )
    expect(inserts(fake)[0]?.body.configuration.query.parameterMode).toBe('named')
  })

  it('puts the labels and the job id prefix on every job', async () => {
    fake = await startFakeBigQuery({ insert: runningJob, results: () => done({ totalRows: '0' }) })
    await sql`select 1`.execute(dbOn(fake, { labels: { app: 'modelhub' }, jobPrefix: 'modelhub_' }))
    const [job] = inserts(fake)
    expect(job?.body.configuration.labels).toEqual({ app: 'modelhub' })
    expect(job?.body.jobReference.jobId).toMatch(/^modelhub_[0-9a-f-]{36}$/)
  })

  it('runs a job that failed with a transient reason again, as a new job', async () => {
    fake = await startFakeBigQuery({
      insert: (body, attempt) =>
        attempt < 2 ? failedJob(body, 'backendError', 'Backend error. Job aborted.') : runningJob(body),
      results: () => done({ schema: { fields: [{ name: 'n', type: 'INTEGER' }] }, rows: [{ f: [{ v: '7' }] }] }),
    })
    const result = await sql`select 7 as n`.execute(dbOn(fake))
    expect(result.rows).toEqual([{ n: 7 }])
    const ids = inserts(fake).map((r) => r.body.jobReference.jobId)
    expect(ids).toHaveLength(3)
    expect(new Set(ids).size).toBe(3)
  })

  it('gives up after jobRetries re-runs with the hub’s error, and never re-runs other failures', async () => {
    fake = await startFakeBigQuery({
      insert: (body) => failedJob(body, 'rateLimitExceeded', 'Exceeded rate limits: too many table update operations'),
      results: () => done(),
    })
    const error = await sql`select 1`.execute(dbOn(fake, { jobRetries: 2 })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(inserts(fake)).toHaveLength(3)
    await fake.close()

    fake = await startFakeBigQuery({
      insert: (body) => failedJob(body, 'invalidQuery', 'Syntax error: Unexpected end of script'),
      results: () => done(),
    })
    await expect(sql`select`.execute(dbOn(fake))).rejects.toThrow('Syntax error: Unexpected end of script')
    expect(inserts(fake)).toHaveLength(1)
    await fake.close()

    fake = await startFakeBigQuery({
      insert: (body) => failedJob(body, 'backendError', 'Backend error. Job aborted.'),
      results: () => done(),
    })
    await expect(sql`select 1`.execute(dbOn(fake, { jobRetries: 1 }))).rejects.toBeInstanceOf(DatabaseInternalError)
    expect(inserts(fake)).toHaveLength(2)
  })
  it('stops waiting to re-run a failed job when the query is aborted', async () => {
    const controller = new AbortController()
    fake = await startFakeBigQuery({
      insert: (body) => {
        setTimeout(() => controller.abort(new Error('stopped by the app')), 50)
        return failedJob(body, 'backendError', 'Backend error. Job aborted.')
      },
      results: () => done(),
    })
    const connection = new BigQueryConnection({ client: fake.client, jobRetryDelayMs: 60_000 })
    const compiled = sql`select 1`.compile(dbOn(fake))
    await expect(connection.executeQuery(compiled, controller.signal)).rejects.toThrow('stopped by the app')
    expect(inserts(fake)).toHaveLength(1)
  })
})

/** What each job of a run asked for: its SQL and its session (created, or joined by id). */
function jobsOf(f: FakeBigQuery): { sql: string; session?: string }[] {
  return inserts(f).map(({ body }) => {
    const query = body.configuration.query
    const joined = query.connectionProperties?.find((p: { key: string }) => p.key === 'session_id')?.value
    const session = query.createSession ? 'create' : joined
    return session === undefined ? { sql: query.query } : { sql: query.query, session }
  })
}

/** A fake whose jobs run in sessions as BigQuery runs them; `fail` gives a failed job for some SQL. */
async function sessionFake(fail: (sql: string) => string | undefined = () => undefined): Promise<FakeBigQuery> {
  let sessions = 0
  return startFakeBigQuery({
    insert: (body) => {
      const reason = fail(body.configuration.query.query)
      if (reason) return failedJob(body, reason, `${reason} in ${body.configuration.query.query}`)
      return jobInSession(
        body,
        sessionOf(body, () => `session-${++sessions}`),
      )
    },
    results: () => done({ totalRows: '0' }),
  })
}

describe('BigQuery sessions over REST', () => {
  it('starts a session at the first temporary table of a connection, runs the rest of it there, and ends it on release', async () => {
    fake = await sessionFake()
    const db = dbOn(fake)
    await db.selectFrom('events').select('event_id').execute()
    await db.connection().execute(async (c) => {
      await c.selectFrom('events').select('n').execute()
      await c.schema.createTable('tmp_ids').temporary().as(c.selectFrom('events').select('event_id')).execute()
      await sql`create temp table tmp_raw as select 1 as one`.execute(c)
      await c
        .selectFrom('tmp_ids' as never)
        .selectAll()
        .execute()
    })
    await db.selectFrom('events').select('event_id').execute()
    expect(jobsOf(fake)).toEqual([
      { sql: 'select `event_id` from `events`' },
      { sql: 'select `n` from `events`' },
      { sql: 'create temporary table `tmp_ids` as select `event_id` from `events`', session: 'create' },
      { sql: 'create temp table tmp_raw as select 1 as one', session: 'session-1' },
      { sql: 'select * from `tmp_ids`', session: 'session-1' },
      { sql: 'CALL BQ.ABORT_SESSION()', session: 'session-1' },
      { sql: 'select `event_id` from `events`' },
    ])
  })

  it('starts no session, and ends none, for a connection without temporary tables or transactions', async () => {
    fake = await sessionFake()
    const db = dbOn(fake)
    await db.connection().execute(async (c) => {
      await c.selectFrom('events').selectAll().execute()
      await c.schema.createTable('kept').as(c.selectFrom('events').selectAll()).execute()
    })
    expect(jobsOf(fake)).toEqual([
      { sql: 'select * from `events`' },
      { sql: 'create table `kept` as select * from `events`' },
    ])
  })

  it('reads the session id from jobs.get when the jobs.insert reply has none yet', async () => {
    let sessions = 0
    fake = await startFakeBigQuery({
      insert: (body) => {
        const session = sessionOf(body, () => `session-${++sessions}`)
        // BigQuery may reply before the session is known; the finished job has it.
        return body.configuration.query.createSession ? runningJob(body) : jobInSession(body, session)
      },
      results: () => done({ totalRows: '0' }),
      job: (jobId) => ({
        ...runningJob({ jobReference: { jobId } }),
        statistics: { sessionInfo: { sessionId: 'late' } },
      }),
    })
    await dbOn(fake)
      .connection()
      .execute(async (c) => {
        await sql`create temporary table t as select 1 as one`.execute(c)
        await sql`select * from t`.execute(c)
      })
    expect(jobsOf(fake).map((j) => j.session)).toEqual(['create', 'late', 'late'])
  })

  it('runs a transaction in one session: BEGIN, the statements and COMMIT, then ends the session', async () => {
    fake = await sessionFake()
    const db = dbOn(fake)
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('events').values({ event_id: 'a', n: 1 }).execute()
      await trx.schema
        .createTable('tmp_in_trx')
        .temporary()
        .onCommit('drop')
        .as(trx.selectFrom('events').selectAll())
        .execute()
    })
    expect(jobsOf(fake)).toEqual([
      { sql: 'BEGIN TRANSACTION', session: 'create' },
      { sql: 'insert into `events` (`event_id`, `n`) values (@p0, @p1)', session: 'session-1' },
      // BigQuery has no ON COMMIT: the table ends with the session, right after the commit.
      { sql: 'create temporary table `tmp_in_trx` as select * from `events`', session: 'session-1' },
      { sql: 'COMMIT TRANSACTION', session: 'session-1' },
      { sql: 'CALL BQ.ABORT_SESSION()', session: 'session-1' },
    ])
  })

  it('rolls back in the session when the transaction fails, and the app’s error is the one thrown', async () => {
    fake = await sessionFake()
    const failure = await dbOn(fake)
      .transaction()
      .execute(async (trx) => {
        await trx.deleteFrom('events').where('n', '=', 1).execute()
        throw new Error('the app changed its mind')
      })
      .catch((e: unknown) => e)
    expect(failure).toEqual(new Error('the app changed its mind'))
    expect(jobsOf(fake)).toEqual([
      { sql: 'BEGIN TRANSACTION', session: 'create' },
      { sql: 'delete from `events` where `n` = @p0', session: 'session-1' },
      { sql: 'ROLLBACK TRANSACTION', session: 'session-1' },
      { sql: 'CALL BQ.ABORT_SESSION()', session: 'session-1' },
    ])
  })

  it('ends the session when ROLLBACK itself fails, keeping the app’s error; a failed abort never fails a release', async () => {
    fake = await sessionFake((sql) => (sql === 'ROLLBACK TRANSACTION' ? 'invalidQuery' : undefined))
    await expect(
      dbOn(fake)
        .transaction()
        .execute(async () => {
          throw new Error('the app failed')
        }),
    ).rejects.toThrow('the app failed')
    expect(jobsOf(fake).map((j) => j.sql)).toEqual([
      'BEGIN TRANSACTION',
      'ROLLBACK TRANSACTION',
      'CALL BQ.ABORT_SESSION()',
    ])
    await fake.close()

    fake = await sessionFake((sql) => (sql.startsWith('CALL BQ.ABORT_SESSION') ? 'invalidQuery' : undefined))
    const rows = await dbOn(fake)
      .connection()
      .execute(async (c) => {
        await sql`create temp table t as select 1 as one`.execute(c)
        return (await sql`select * from t`.execute(c)).rows
      })
    expect(rows).toEqual([])
    expect(jobsOf(fake).map((j) => j.sql)).toEqual([
      'create temp table t as select 1 as one',
      'select * from t',
      'CALL BQ.ABORT_SESSION()',
    ])
  })

  it('streams in the connection’s session when it has one, and never starts one for a stream', async () => {
    let sessions = 0
    const queries: any[] = []
    fake = await startFakeBigQuery({
      insert: (body) =>
        jobInSession(
          body,
          sessionOf(body, () => `session-${++sessions}`),
        ),
      results: () => done({ totalRows: '0' }),
      query: (body) => {
        queries.push(body)
        return {
          kind: 'bigquery#queryResponse',
          jobReference: { projectId: 'my-project', jobId: `stream-${queries.length}`, location: 'US' },
          jobComplete: true,
          schema: { fields: [{ name: 'one', type: 'INTEGER' }] },
          rows: [{ f: [{ v: '1' }] }],
          totalRows: '1',
        }
      },
    })
    const db = dbOn(fake)
    const streamed: unknown[] = []
    await db.connection().execute(async (c) => {
      for await (const row of c.selectFrom('events').select('n').stream()) streamed.push(row)
      await sql`create temp table t as select 1 as one`.execute(c)
      for await (const row of c
        .selectFrom('t' as never)
        .selectAll()
        .stream())
        streamed.push(row)
    })
    expect(streamed).toEqual([{ one: 1 }, { one: 1 }])
    expect(queries.map((q) => [q.query, q.createSession, q.connectionProperties])).toEqual([
      ['select `n` from `events`', undefined, undefined],
      ['select * from `t`', undefined, [{ key: 'session_id', value: 'session-1' }]],
    ])
    expect(jobsOf(fake).map((j) => j.sql)).toEqual([
      'create temp table t as select 1 as one',
      'CALL BQ.ABORT_SESSION()',
    ])
  })

  it('refuses savepoints and isolation levels with BigQueryUnsupportedError, before any job', async () => {
    fake = await sessionFake()
    const db = dbOn(fake)
    const trx = await db.startTransaction().execute()
    await expect(trx.savepoint('before_update').execute()).rejects.toThrow(BigQueryUnsupportedError)
    await expect(trx.savepoint('before_update').execute()).rejects.toThrow(/BigQuery transactions have no savepoints/)
    await trx.rollback().execute()
    await expect(
      db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async () => {}),
    ).rejects.toThrow(/snapshot isolation, read-write \(got serializable\)/)
    // A controlled transaction gives its connection back after rollback() resolves.
    await vi.waitFor(() =>
      expect(jobsOf(fake!).map((j) => j.sql)).toEqual([
        'BEGIN TRANSACTION',
        'ROLLBACK TRANSACTION',
        'CALL BQ.ABORT_SESSION()',
      ]),
    )
  })
})
