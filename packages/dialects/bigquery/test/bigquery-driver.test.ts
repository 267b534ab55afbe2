import { BigQueryDate, BigQueryTimestamp } from '@google-cloud/bigquery'
import { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { BigQueryConnection, BigQueryDialect, dryRunBytes, toJsValue } from '../src/index.ts'

interface Db {
  events: { event_id: string; n: number | null }
}

/** A stand-in for the client: records requests and answers with BigQuery-typed rows. */
function fakeClient(rows: Record<string, unknown>[]) {
  const requests: Record<string, unknown>[] = []
  const client = {
    projectId: 'my-project',
    async createQueryJob(request: Record<string, unknown>) {
      requests.push(request)
      const job = {
        metadata: { statistics: { totalBytesProcessed: '1234', query: { numDmlAffectedRows: '2' } } },
        getQueryResults: async () => [rows],
      }
      return [job]
    },
    async *createQueryStream(request: Record<string, unknown>) {
      requests.push(request)
      yield* rows
    },
  }
  return { client, requests }
}

const ROWS = [
  {
    id: 'a',
    at: new BigQueryTimestamp('2021-01-01T00:00:00.123Z'),
    day: new BigQueryDate('2021-01-02'),
    json: { a: [1] },
  },
  { id: 'b', at: null, day: null, json: null },
  { id: 'c', at: null, day: null, json: [] },
]

describe('BigQuery driver', () => {
  it('sends named parameters with types and converts result values', async () => {
    const { client, requests } = fakeClient(ROWS)
    const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client: client as never, dataset: 'analytics' }) })
    const result = await db
      .selectFrom('events')
      .selectAll()
      .where('n', '=', null as never)
      .where('event_id', '=', "it's")
      .execute()
    expect(requests).toEqual([
      {
        query: 'select * from `events` where `n` = @p0 and `event_id` = @p1',
        params: { p0: null, p1: "it's" },
        types: { p0: 'STRING', p1: 'STRING' },
        parseJSON: true,
        wrapIntegers: false,
        defaultDataset: { projectId: 'my-project', datasetId: 'analytics' },
      },
    ])
    expect(result).toEqual([
      { id: 'a', at: new Date('2021-01-01T00:00:00.123Z'), day: '2021-01-02', json: { a: [1] } },
      { id: 'b', at: null, day: null, json: null },
      { id: 'c', at: null, day: null, json: [] },
    ])
  })

  it('streams rows in chunks of the given size', async () => {
    const { client } = fakeClient(ROWS)
    const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client: client as never }) })
    const chunks: unknown[][] = []
    for await (const row of db.selectFrom('events').selectAll().stream(2)) chunks.push([row])
    expect(chunks.flat().map((r: any) => r.id)).toEqual(['a', 'b', 'c'])
  })

  it('converts nested values: arrays and structs of timestamps and dates', () => {
    expect(
      toJsValue({ when: [new BigQueryTimestamp('2021-01-01T00:00:00Z')], d: { day: new BigQueryDate('2021-01-02') } }),
    ).toEqual({ when: [new Date('2021-01-01T00:00:00Z')], d: { day: '2021-01-02' } })
  })

  it('dry-runs a query for the bytes it would process, with the cost guard set', async () => {
    const { client, requests } = fakeClient([])
    const connection = new BigQueryConnection({ client: client as never, maximumBytesBilled: 5e9 })
    const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client: client as never }) })
    expect(await connection.dryRun(db.selectFrom('events').select('event_id').compile())).toBe(1234)
    expect(requests[0]).toMatchObject({ dryRun: true, maximumBytesBilled: '5000000000' })
    await expect(dryRunBytes(db, db.selectFrom('events').selectAll())).rejects.toThrow(/made by createBigQueryDb/)
  })

  it('sends jobTimeoutMs with every query job, so BigQuery cancels a job that runs too long', () => {
    const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client: { projectId: 'p' } as never }) })
    const compiled = db.selectFrom('events').select('event_id').compile()
    const request = new BigQueryConnection({ client: { projectId: 'p' } as never, jobTimeoutMs: 30_000 }).request(
      compiled,
    )
    expect(request).toMatchObject({ query: 'select `event_id` from `events`', jobTimeoutMs: 30_000 })
    expect(new BigQueryConnection({ client: { projectId: 'p' } as never }).request(compiled)).not.toHaveProperty(
      'jobTimeoutMs',
    )
  })

  it('creates no job for a query whose signal is already aborted', async () => {
    const { client, requests } = fakeClient(ROWS)
    const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client: client as never }) })
    const controller = new AbortController()
    controller.abort(new Error('gone'))
    const connection = new BigQueryConnection({ client: client as never })
    await expect(
      connection.executeQuery(db.selectFrom('events').selectAll().compile(), controller.signal),
    ).rejects.toThrow('gone')
    expect(requests).toEqual([])
  })
})
