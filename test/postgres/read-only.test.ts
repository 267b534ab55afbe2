import { randomUUID } from 'node:crypto'
import { ModelHubInputError } from '@kysely-modelhub/core'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { canonical, EVERY_MODEL, sampleHub } from '../support/every-model.ts'

/**
 * The privileges README's "Security" section documents, tested: a role that may only read the
 * events table (SELECT on it, USAGE on its schema, CONNECT) runs every model and gets the rows the
 * owner gets; it can keep a result in a temporary table (TEMPORARY, which PUBLIC has by default) but
 * not in a table or a view, and a query cannot write through it.
 */
const url = inject('postgresUrl')

describe.runIf(url)('read-only role [postgres]', () => {
  const database = `test_${randomUUID().replaceAll('-', '')}`
  const role = `reader_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  let admin: Kysely<any>
  let owner: Kysely<any>
  let reader: Kysely<any>

  const at = (user?: string) => {
    const target = new URL(url)
    target.pathname = `/${database}`
    if (user) target.username = user
    return target.toString()
  }

  beforeAll(async () => {
    admin = createPostgresDb<any>({ connectionString: url, max: 1 })
    await sql`create database ${sql.id(database)}`.execute(admin)
    await sql`create role ${sql.id(role)} login`.execute(admin)
    owner = createPostgresDb<any>({ connectionString: at(), max: 2 })
    await loadSampleData(owner, { events: 2000, progress: false })
    await sql`revoke all on schema public from public`.execute(owner)
    await sql`grant usage on schema public to ${sql.id(role)}`.execute(owner)
    await sql`grant select on data to ${sql.id(role)}`.execute(owner)
    reader = createPostgresDb<any>({ connectionString: at(role), max: 2 })
  })

  afterAll(async () => {
    await reader?.destroy()
    await owner?.destroy()
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin)
    await sql`drop role if exists ${sql.id(role)}`.execute(admin)
    await admin?.destroy()
  })

  it('runs every model with SELECT on the table alone, with the rows the owner gets', async () => {
    const mine = sampleHub(reader)
    const theirs = sampleHub(owner)
    for (const [name, model] of Object.entries(EVERY_MODEL)) {
      const rows = await model(mine).execute()
      expect({ name, rows: canonical(rows) }).toEqual({ name, rows: canonical(await model(theirs).execute()) })
    }
  })

  it('keeps a result in a temporary table, but cannot create a table or a view', async () => {
    const hub = sampleHub(reader)
    const users = await hub.withConnection(async (h) => {
      const events = await h.materialize(h.events(), { kind: 'temp_table' })
      return h.agg.uniqueUsers(events, { groupBy: null }).execute()
    })
    expect(users).toEqual(await hub.agg.uniqueUsers(hub.events(), { groupBy: null }).execute())
    await expect(hub.materialize(hub.events(), { kind: 'table', name: 'kept' })).rejects.toThrow(
      /permission denied for schema public/,
    )
    await expect(hub.materialize(hub.events(), { kind: 'view', name: 'kept' })).rejects.toThrow(
      /permission denied for schema public/,
    )
  })

  it('cannot change the data', async () => {
    await expect(sql`delete from data`.execute(reader)).rejects.toThrow(/permission denied for table data/)
  })

  it('check() runs with these privileges and names a missing table', async () => {
    await sampleHub(reader).check()
    await expect(sampleHub(reader, { table: 'nowhere' }).check()).rejects.toThrow(
      new ModelHubInputError(
        'option "table": got "nowhere"; no such table is visible to this connection; the objectiv layout reads a table with columns event_id, day, moment, cookie_id, value',
      ),
    )
  })
})
