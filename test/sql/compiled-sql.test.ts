import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ENGINE_NAMES, offlineEngine } from '@kysely-modelhub/cli'
import { describe, expect, it } from 'vitest'
import { EVERY_MODEL, sampleHub } from '../support/every-model.ts'

/**
 * The SQL each model compiles to, per engine, as reviewed files in `__sql__/<engine>/<model>.sql`:
 * a change to a model's SQL shows up in review as a diff of these files (update them with
 * `pnpm exec vitest run test/sql -u`, see docs/development.md). The behaviour suites prove what the
 * SQL returns; these files show what it is. Compiled as `kysely-modelhub sql` does, with no database.
 */

type Hub = ReturnType<typeof sampleHub>
type Model = (typeof EVERY_MODEL)[string]

interface Snapshot {
  readonly options: object
  readonly model: Model
  /** The engines that have it (default: all). */
  readonly engines?: readonly string[]
}

/** Hub options of the pipeline variants whose SQL differs from the default events(). */
const VARIANTS: Record<string, Snapshot> = {
  'events, identity resolution': { options: { identityResolution: 'email' }, model: (h) => h.events() },
  // A time zone: local buckets and a local day window, pruned by a `day` range one day wider.
  'events, windowed, time zone': {
    options: { timeZone: 'Europe/Amsterdam' },
    model: (h) => h.events({ startDate: '2022-03-02', endDate: '2022-03-04' }),
  },
  'agg.uniqueUsers, time zone': {
    options: { timeZone: 'Europe/Amsterdam' },
    model: (h) => h.agg.uniqueUsers(h.events()),
  },
  'agg.retentionMatrix, time zone': {
    options: { timeZone: 'Europe/Amsterdam' },
    model: (h) => h.agg.retentionMatrix(h.events(), { timePeriod: 'weekly' }),
  },
  'agg.lifecycle, time zone': {
    options: { timeZone: 'Europe/Amsterdam' },
    model: (h) => h.agg.lifecycle(h.events(), { period: 'daily' }),
  },
  'events, snowplow layout, time zone': {
    options: { layout: 'snowplow', table: 'events', timeZone: 'Europe/Amsterdam' },
    model: (h) => h.events({ startDate: '2022-03-02', endDate: '2022-03-04' }),
    engines: ['bigquery'],
  },
  // Snowplow's REPEATED RECORD columns exist on BigQuery only.
  'events, snowplow layout': {
    options: { layout: 'snowplow', table: 'events' },
    model: (h) => h.events(),
    engines: ['bigquery'],
  },
}

const MODELS: Record<string, Snapshot> = {
  ...Object.fromEntries(Object.entries(EVERY_MODEL).map(([name, model]) => [name, { options: {}, model }])),
  ...VARIANTS,
}

/** A model's name as a file name: `agg.uniqueUsers by application` → `agg.uniqueUsers-by-application`. */
const fileName = (model: string): string => model.replace(/[^A-Za-z0-9.]+/g, '-')

/** How the engine writes its i-th placeholder (0-based), to label the parameters. */
const placeholder = (engine: string, i: number): string => (engine === 'bigquery' ? `@p${i}` : `$${i + 1}`)

/** The file's text: a header naming the model and listing its parameters, then the formatted SQL. */
function sqlFile(engine: string, model: string, sql: string, parameters: readonly unknown[]): string {
  const header = [
    `-- ${model} on ${engine}: hub.toSql(query), placeholders kept`,
    parameters.length === 0 ? '-- parameters: none' : '-- parameters:',
    ...parameters.map((value, i) => `--   ${placeholder(engine, i)} = ${JSON.stringify(value)}`),
  ]
  return `${header.join('\n')}\n${sql}\n`
}

describe.each(ENGINE_NAMES)('compiled SQL [%s]', (engineName) => {
  const names = Object.keys(MODELS).filter((name) => MODELS[name]!.engines?.includes(engineName) ?? true)
  it.each(names)('%s', async (name) => {
    const { db, engine } = await offlineEngine(engineName)
    const { options, model } = MODELS[name]!
    const hub: Hub = sampleHub(db, { engine, ...options })
    const query = model(hub)
    const text = sqlFile(engineName, name, hub.toSql(query), query.compile().parameters)
    await expect(text).toMatchFileSnapshot(`__sql__/${engineName}/${fileName(name)}.sql`)
  })

  // vitest leaves the file of a removed or renamed model behind: it would be reviewed as current.
  it('has no file for a model that is gone', () => {
    const folder = join(import.meta.dirname, '__sql__', engineName)
    const files = existsSync(folder) ? readdirSync(folder) : []
    const expected = new Set(names.map((name) => `${fileName(name)}.sql`))
    expect(files.filter((file) => !expected.has(file))).toEqual([])
  })
})
