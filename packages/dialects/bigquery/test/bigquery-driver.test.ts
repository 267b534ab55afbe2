import { BigQuery, BigQueryDate, BigQueryDatetime, BigQueryTime, BigQueryTimestamp } from '@google-cloud/bigquery'
import { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { BigQueryConnection, BigQueryDialect, dryRunBytes, inChunks, toJsInteger, toJsValue } from '../src/index.ts'

/**
 * What the driver does without a network: the requests it builds and the values it converts, with
 * the real client and its value classes. Running queries is tested against real BigQuery in test/live.
 */

interface Db {
  events: { event_id: string; n: number | null }
}

const client = new BigQuery({ projectId: 'my-project' })
const db = new Kysely<Db>({ dialect: new BigQueryDialect({ client }) })
const compiled = db.selectFrom('events').select('event_id').compile()

describe('BigQuery driver', () => {
  it('converts the values the client decodes from API rows: TIMESTAMP to Date, DATE to text, NUMERIC to number', () => {
    // The client's own decoding of a query response (schema + rows in the API's f/v form), as in getQueryResults.
    const schema = {
      fields: [
        { name: 'at', type: 'TIMESTAMP' },
        { name: 'day', type: 'DATE' },
        { name: 'ratio', type: 'NUMERIC' },
        { name: 'n', type: 'INT64' },
        { name: 'j', type: 'JSON' },
        { name: 'ats', type: 'TIMESTAMP', mode: 'REPEATED' },
        { name: 's', type: 'RECORD', fields: [{ name: 'd', type: 'DATE' }] },
        { name: 'z', type: 'STRING' },
      ],
    }
    const apiRows = [
      {
        f: [
          { v: '1609459200123000' },
          { v: '2021-01-02' },
          { v: '1.25' },
          { v: '42' },
          { v: '{"a":[1]}' },
          { v: [{ v: '1609459200000000' }] },
          { v: { f: [{ v: '2021-01-03' }] } },
          { v: null },
        ],
      },
    ]
    const decoded = BigQuery.mergeSchemaWithRows_(schema as never, apiRows as never, {
      wrapIntegers: false,
      parseJSON: true,
    })
    expect(decoded.map(toJsValue)).toEqual([
      {
        at: new Date('2021-01-01T00:00:00.123Z'),
        day: '2021-01-02',
        ratio: 1.25,
        n: 42,
        j: { a: [1] },
        ats: [new Date('2021-01-01T00:00:00Z')],
        s: { d: '2021-01-03' },
        z: null,
      },
    ])
    expect(toJsValue(new BigQueryDatetime('2021-01-02 03:04:05'))).toBe('2021-01-02 03:04:05')
    expect(toJsValue(new BigQueryTime('03:04:05'))).toBe('03:04:05')
  })

  it('converts nested values: arrays and structs of timestamps and dates', () => {
    expect(
      toJsValue({ when: [new BigQueryTimestamp('2021-01-01T00:00:00Z')], d: { day: new BigQueryDate('2021-01-02') } }),
    ).toEqual({ when: [new Date('2021-01-01T00:00:00Z')], d: { day: '2021-01-02' } })
  })

  it('streams rows in chunks of the given size, the last one shorter', async () => {
    async function* rows() {
      for (const id of ['a', 'b', 'c', 'd', 'e']) yield { id }
    }
    const chunks: { id: string }[][] = []
    for await (const chunk of inChunks(rows(), 2)) chunks.push(chunk)
    expect(chunks).toEqual([[{ id: 'a' }, { id: 'b' }], [{ id: 'c' }, { id: 'd' }], [{ id: 'e' }]])
    const none: unknown[][] = []
    for await (const chunk of inChunks(rows(), 10)) none.push(chunk)
    expect(none).toHaveLength(1)
  })

  it('dry-runs with the cost guard set, and says which Kysely can dry-run', async () => {
    const connection = new BigQueryConnection({ client, maximumBytesBilled: 5e9 })
    expect(connection.dryRunRequest(compiled)).toEqual({
      query: 'select `event_id` from `events`',
      params: {},
      types: {},
      parseJSON: true,
      wrapIntegers: { integerTypeCastFunction: toJsInteger },
      maximumBytesBilled: '5000000000',
      dryRun: true,
    })
    await expect(dryRunBytes(db, db.selectFrom('events').selectAll())).rejects.toThrow(/made by createBigQueryDb/)
  })

  it('sends jobTimeoutMs with every query job, so BigQuery cancels a job that runs too long', () => {
    expect(new BigQueryConnection({ client, jobTimeoutMs: 30_000 }).request(compiled)).toMatchObject({
      query: 'select `event_id` from `events`',
      jobTimeoutMs: 30_000,
    })
    expect(new BigQueryConnection({ client }).request(compiled)).not.toHaveProperty('jobTimeoutMs')
  })

  it('starts no job for a query whose signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('gone'))
    // The client has no credentials here: creating a job would fail differently, not with 'gone'.
    await expect(new BigQueryConnection({ client }).executeQuery(compiled, controller.signal)).rejects.toThrow('gone')
  })
})
