import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { engineOf } from '@kysely-modelhub/core'
import { createPgliteDb, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { evalWithoutImports } from '../support/without-imports.ts'

describe('createPgliteDb', () => {
  it('keeps its data in dataDir across instances, with the same result types', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modelhub-pglite-'))
    try {
      const first = await createPgliteDb<any>({ dataDir })
      await sql`create table t (m timestamp, n bigint, d date)`.execute(first)
      await sql`insert into t values ('2021-11-30 10:23:36.287', 9007199254740991, '2021-11-30')`.execute(first)
      await first.destroy()
      const second = await createPgliteDb<any>({ dataDir })
      expect(engineOf(second)).toBe(postgres)
      expect(await second.selectFrom('t').selectAll().execute()).toEqual([
        { m: new Date('2021-11-30T10:23:36.287Z'), n: 9007199254740991, d: '2021-11-30' },
      ])
      await second.destroy()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('runs without importing pg or pg-cursor, which only a Kysely on a server needs', async () => {
    const app = `
      import { createPgliteDb } from '@kysely-modelhub/postgres'
      import { sql } from 'kysely'
      const db = await createPgliteDb()
      const { rows } = await sql\`select 1 + 1 as two\`.execute(db)
      await db.destroy()
      console.log(JSON.stringify(rows))`
    const run = await evalWithoutImports(
      ['pg', 'pg-cursor'],
      app,
      resolve(import.meta.dirname, '../../packages/dialects/postgres'),
    )
    expect([run.code, run.stderr, JSON.parse(run.stdout)]).toEqual([0, '', [{ two: 2 }]])
  })

  it('starts with the given settings, and keeps the defaults it does not name', async () => {
    const db = await createPgliteDb<any>({ settings: { shared_buffers: '16MB', work_mem: '8MB' } })
    try {
      const { rows } = await sql<Record<string, string>>`select current_setting('shared_buffers') as shared_buffers,
          current_setting('work_mem') as work_mem,
          current_setting('max_parallel_workers_per_gather') as gather,
          current_setting('TimeZone') as zone`.execute(db)
      expect(rows).toEqual([{ shared_buffers: '16MB', work_mem: '8MB', gather: '0', zone: 'UTC' }])
    } finally {
      await db.destroy()
    }
  })

  it.each([
    [{ 'shared_buffers=1MB -c x': '1' }, /settings: got "shared_buffers=1MB -c x"; expected a Postgres setting name/],
    [{ shared_buffers: '16MB\nwork_mem=1' }, /settings.shared_buffers: got .*; expected a text value on one line/],
    [{ shared_buffers: 16 }, /settings.shared_buffers: got 16; expected a text value/],
  ])('refuses a bad setting before starting: %o', async (settings, message) => {
    await expect(createPgliteDb({ settings: settings as Record<string, string> })).rejects.toThrow(message)
  })
})

const url = inject('postgresUrl')
if (url) {
  describe('createPostgresDb with a pool of your own', () => {
    it('gives the documented types without changing pg for the pool’s other users', async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      const db = createPostgresDb<any>({ pool })
      expect(engineOf(db)).toBe(postgres)
      const { rows } = await sql<{
        m: Date
        n: number
      }>`select timestamp '2021-11-30 10:23:36.287' as m, count(*) as n`.execute(db)
      expect(rows).toEqual([{ m: new Date('2021-11-30T10:23:36.287Z'), n: 1 }])
      // pg's own parsers are untouched: the same pool, used directly, still returns bigint as text.
      expect((await pool.query('select count(*) as n')).rows).toEqual([{ n: '1' }])
      await db.destroy()
    })
  })
}
