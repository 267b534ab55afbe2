import { bigquery } from '@kysely-modelhub/bigquery'
import { createPgliteDb, createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { CamelCasePlugin, DeduplicateJoinsPlugin, Kysely, PostgresDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { ModelHub, ModelHubKyselyError, ModelHubOptionError } from '../src/index.ts'

// Never connects: the hub finds its engine and checks plugins without a database.
const ours = createPostgresDb<any>({ connectionString: 'postgresql://localhost/never-connected' })
const plain = new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) })

class SnakeToCamel extends CamelCasePlugin {}

describe('the Kysely a hub runs on', () => {
  it('finds the engine of our Kysely on its withSchema and withPlugin copies', () => {
    expect(new ModelHub(ours).engine).toBe(postgres)
    expect(new ModelHub(ours.withSchema('analytics')).engine).toBe(postgres)
    expect(new ModelHub(ours.withPlugin(new DeduplicateJoinsPlugin())).engine).toBe(postgres)
    expect(new ModelHub(ours.withSchema('a').withPlugin(new DeduplicateJoinsPlugin()).withoutPlugins()).engine).toBe(
      postgres,
    )
  })

  it('finds it in a transaction and on a connection of our Kysely (PGlite)', async () => {
    const db = await createPgliteDb<any>()
    try {
      expect(await db.transaction().execute(async (trx) => new ModelHub(trx).engine)).toBe(postgres)
      expect(await db.connection().execute(async (connection) => new ModelHub(connection).engine)).toBe(postgres)
    } finally {
      await db.destroy()
    }
  })

  it('does not lend the engine to another Kysely on the same pool', () => {
    expect(() => new ModelHub(plain)).toThrow(ModelHubOptionError)
    expect(() => new ModelHub(plain.withSchema('analytics'))).toThrow(
      'option "engine" is required for a Kysely not made by createPostgresDb/createPgliteDb/createBigQueryDb',
    )
    expect(new ModelHub(plain.withSchema('analytics'), { engine: postgres }).engine).toBe(postgres)
  })

  it('refuses an engine that contradicts the one of the Kysely', () => {
    expect(() => new ModelHub(ours, { engine: bigquery })).toThrow(ModelHubOptionError)
    expect(() => new ModelHub(ours.withSchema('a'), { engine: bigquery })).toThrow(
      'option "engine" is bigquery, but this Kysely was made for postgres; leave "engine" out or pass postgres',
    )
    expect(new ModelHub(ours, { engine: postgres }).engine).toBe(postgres)
  })

  it.each([
    ['CamelCasePlugin', () => ours.withPlugin(new CamelCasePlugin())],
    ['CamelCasePlugin', () => plain.withPlugin(new CamelCasePlugin({ upperCase: true }))],
    ['SnakeToCamel', () => ours.withPlugin(new DeduplicateJoinsPlugin()).withPlugin(new SnakeToCamel())],
    [
      'CamelCasePlugin',
      () =>
        new Kysely<any>({
          dialect: new PostgresDialect({ pool: {} as never }),
          plugins: [new CamelCasePlugin()],
        }),
    ],
  ])('refuses a Kysely whose %s renames result columns, naming it and what to do', (name, make) => {
    const attempt = () => new ModelHub(make(), { engine: postgres })
    expect(attempt).toThrow(ModelHubKyselyError)
    expect(attempt).toThrow(
      `ModelHub: the Kysely has the plugin ${name}, which renames the columns of result rows, so the hub's row types (snake_case: unique_users, time_aggregation, …) would not match its rows; make the hub on the Kysely without it`,
    )
  })

  it('accepts the same Kysely without the plugin', () => {
    const camel = ours.withPlugin(new CamelCasePlugin())
    expect(new ModelHub(camel.withoutPlugins()).engine).toBe(postgres)
  })
})
