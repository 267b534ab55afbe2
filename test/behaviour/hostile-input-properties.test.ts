import { bigquery } from '@kysely-modelhub/bigquery'
import { type Engine, locationStack, ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub, ModelHubOptionError } from '@kysely-modelhub/modelhub'
import { postgres } from '@kysely-modelhub/postgres'
import fc from 'fast-check'
import { type Kysely, sql } from 'kysely'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { HOSTILE_IDS } from '../fixtures/location-stacks.ts'
import { type DataRow, dataRow, userId } from '../fixtures/objectiv-data.ts'
import { testEngines } from '../support/engines.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * Hostile user values on their way to SQL: arbitrary Unicode as match keys and values, event types,
 * conversion names, global-context values, identity ids and table names. Each run either gives
 * exactly the rows a plain TypeScript reading of the data gives, or is refused by a clear
 * validation error before any SQL runs; never a syntax error, never another query.
 *
 * Runs are fixed by a seed; PROPERTY_RUNS=n multiplies them by n (a nightly-style run) with a
 * random seed.
 */
const SCALE = Number(process.env.PROPERTY_RUNS ?? 0)
const runs = (ci: number) => (SCALE > 0 ? { numRuns: ci * SCALE } : { numRuns: ci, seed: 20261128 })

/** Any string: hostile favourites, graphemes, any code unit (NUL and lone surrogates included). */
const anyText = fc.oneof(
  fc.constantFrom(...HOSTILE_IDS, '\u0000', 'a\u0000b', '\ud800', '`', '\\`', '"', '\u2028', 'é'.repeat(40)),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.string({ unit: 'binary-ascii', maxLength: 10 }),
)
/** Text a database can hold (no NUL, well-formed): what can be in the data. */
const storable = anyText.filter((s) => !s.includes('\u0000') && s.isWellFormed())
const canReachSql = (s: string) => !s.includes('\u0000') && s.isWellFormed()

interface Target {
  readonly name: string
  readonly engine: Engine
  /** A hub over `rows` stored in a table of that name. */
  withTable<T>(table: string, rows: DataRow[], run: (db: Kysely<any>) => Promise<T>): Promise<T>
  /** Runs one query of literals and parameters. */
  db(): Kysely<any>
}

function postgresTargets(): Target[] {
  return testEngines()
    .filter((testEngine) => testEngine.engine === postgres)
    .map((testEngine) => {
      let opened: Promise<Awaited<ReturnType<typeof testEngine.open>>> | undefined
      const open = () => {
        opened ??= testEngine.open({})
        return opened
      }
      let db: Kysely<any> | undefined
      return {
        name: testEngine.name,
        engine: testEngine.engine,
        db: () => {
          if (!db) throw new Error('database not open yet')
          return db
        },
        async withTable(table, rows, run) {
          db = (await open()).db
          const id = sql.id(table)
          await sql`drop table if exists ${id}`.execute(db)
          await sql`create table ${id} (event_id uuid primary key, day date not null, moment timestamp not null, cookie_id uuid not null, value jsonb not null)`.execute(
            db,
          )
          try {
            if (rows.length) {
              await sql`insert into ${id} (event_id, day, moment, cookie_id, value) values ${sql.join(
                rows.map(
                  (r) => sql`(${r.event_id}, ${r.day}, ${r.moment}, ${r.cookie_id}, ${JSON.stringify(r.value)})`,
                ),
              )}`.execute(db)
            }
            return await run(db)
          } finally {
            await sql`drop table if exists ${id}`.execute(db)
          }
        },
        async close() {
          await (await opened)?.close()
        },
      } as Target & { close(): Promise<void> }
    })
}

function bigQueryTarget(): Target {
  const port = inject('zetasqlPort')
  const columns = {
    event_id: 'STRING',
    day: 'DATE',
    moment: 'TIMESTAMP',
    cookie_id: 'STRING',
    value: 'STRING',
  } as const
  return {
    name: 'bigquery(zetasql)',
    engine: bigquery,
    db: () => createZetaSqlDb(port),
    async withTable(table, rows, run) {
      const db = createZetaSqlDb(port, {
        [table]: { columns, rows: rows.map((r) => ({ ...r, value: JSON.stringify(r.value) })) },
      })
      return run(db)
    },
  }
}

/** Whether the hub should accept a table name (one part: dots split schema from table). */
function tableNameIsValid(table: string, engine: Engine): boolean {
  if (!canReachSql(table) || table.length === 0) return false
  return engine.name !== 'postgres' || new TextEncoder().encode(table).length <= 63
}

/** What a refusal looks like: one of our validation errors, thrown before any SQL runs. */
function isValidationError(error: unknown): boolean {
  return error instanceof ModelHubInputError || error instanceof ModelHubOptionError
}

const event = fc.record({
  type: storable,
  app: storable,
  link: storable,
  user: fc.integer({ min: 1, max: 3 }),
})

for (const target of [...postgresTargets(), ...(inject('zetasqlPort') ? [bigQueryTarget()] : [])]) {
  describe(`hostile input [${target.name}]`, () => {
    afterAll(async () => {
      await (target as Partial<{ close(): Promise<void> }>).close?.()
    })

    it('stores an event of hostile text and reads it back unchanged through events()', async () => {
      const type = `it's \\ "$1" -- ${HOSTILE_IDS.join('')}`
      const app = "a'; drop table opening; --"
      const link = '\u2028é`\\`'
      const row = dataRow(100, '2022-03-01 10:00:00.000', userId(1), {
        type,
        app,
        stack: [{ _type: 'LinkContext', id: link, _types: ['AbstractContext'] }],
      })
      const events = await target.withTable('opening', [row], (db) =>
        new ModelHub(db, { engine: target.engine, table: 'opening', globalContexts: ['application'] })
          .events()
          .clearSelect()
          .select((eb) => [
            'event_type',
            'user_id',
            eb.ref('application').as('application'),
            new ModelHub(db, { engine: target.engine, table: 'opening' })
              .ls(eb.ref('location_stack'))
              .get('LinkContext', 'id')
              .as('link'),
          ])
          .execute(),
      )
      expect(events).toHaveLength(1)
      expect(events[0]?.event_type).toBe(type)
      expect(events[0]?.user_id).toBe(userId(1))
      expect(events[0]?.link).toBe(link)
    })

    it('quotes any text and any match key/value as literals that read back unchanged, and binds it as parameters', async () => {
      await target.withTable('quoting', [], async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(storable, { minLength: 1, maxLength: 32 }),
            storable,
            storable,
            async (values, key, other) => {
              const literals = values.map((v) => sql.raw(target.engine.quoteString(v)))
              const stack = [{ [key]: values[0] }, { [key]: other }, { [`${key}_`]: values[0] }]
              const parsed =
                target.engine.name === 'bigquery'
                  ? locationStack(sql`parse_json(${JSON.stringify(stack)})`, target.engine)
                  : locationStack(sql`${JSON.stringify(stack)}::jsonb`, target.engine)
              const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
                literals.map((l, i) => sql`${l} as ${sql.id(`l${i}`)}, ${values[i]} = ${l} as ${sql.id(`p${i}`)}`),
              )}, ${parsed.filter({ [key]: values[0] as string }).length()} as n`.execute(target.db())
              const row = rows[0] as Record<string, unknown>
              values.forEach((v, i) => {
                expect(row[`l${i}`]).toBe(v)
                expect(row[`p${i}`]).toBe(true)
              })
              expect(row.n).toBe(1 + (other === values[0] ? 1 : 0))
            },
          ),
          runs(target.name === 'bigquery(zetasql)' ? 400 : 1000),
        )
      })
    })

    it('models over a table of any name, with any event types, contexts, conversion names and match values', async () => {
      const modelRuns = runs(target.name === 'bigquery(zetasql)' ? 150 : 300)
      let accepted = 0
      let refused = 0
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(storable, anyText),
          fc.array(event, { minLength: 1, maxLength: 6 }),
          anyText,
          fc.oneof(storable, anyText),
          fc.oneof(storable, anyText),
          async (table, events, conversionName, typeChoice, linkChoice) => {
            const rows = events.map((e, i) =>
              dataRow(100 + i, `2022-03-0${1 + (i % 3)} 10:00:0${i}.000`, userId(e.user), {
                type: e.type,
                app: e.app,
                stack: [{ _type: 'LinkContext', id: e.link, _types: ['AbstractContext'] }],
              }),
            )
            // Values that match some events as often as not.
            const eventType = typeChoice.length % 2 === 0 ? (events[0] as { type: string }).type : typeChoice
            const linkId =
              linkChoice.length % 2 === 0 ? (events[events.length - 1] as { link: string }).link : linkChoice
            const valid =
              tableNameIsValid(table, target.engine) &&
              !table.includes('.') &&
              conversionName.length > 0 &&
              eventType.length > 0 &&
              canReachSql(eventType) &&
              canReachSql(linkId)
            const build = (db: Kysely<any>) => {
              const hub = new ModelHub(db, { engine: target.engine, table, globalContexts: ['application'] })
              const converting = hub.addConversionEvent({
                name: conversionName,
                eventType,
                locationStack: (ls) => ls.from({ id: linkId }),
              })
              return converting.map
                .isConversionEvent(converting.events(), conversionName as never)
                .select((eb) => hub.gc(eb.ref('application')).get('id').as('app'))
                .where('event_type', '=', eventType)
                .select(['event_id', 'event_type'])
            }
            if (table.includes('.')) return // a dot separates schema and table: covered by bad-input
            // Validation happens while building, before any SQL exists; a refused value never reaches the database.
            let refusal: unknown
            try {
              build(target.db())
            } catch (e) {
              refusal = e
            }
            if (!valid) {
              expect(isValidationError(refusal), String(refusal)).toBe(true)
              refused++
              return
            }
            accepted++
            expect(refusal).toBeUndefined()
            let result: Record<string, unknown>[] | undefined
            let error: unknown
            try {
              result = await target.withTable(table, rows, (db) => build(db).execute())
            } catch (e) {
              error = e
            }
            expect(error).toBeUndefined()
            const expected = rows
              .filter((r) => r.value._type === eventType)
              .map((r) => ({
                event_id: r.event_id,
                event_type: eventType,
                app: (r.value.global_contexts as { id: string }[])[0]?.id,
                is_conversion_event: (r.value.location_stack as { id: string }[]).some((c) => c.id === linkId),
              }))
            const byId = (a: { event_id: unknown }, b: { event_id: unknown }) =>
              String(a.event_id) < String(b.event_id) ? -1 : 1
            expect(
              (result ?? [])
                .map((r) => ({
                  event_id: r.event_id,
                  event_type: r.event_type,
                  app: r.app,
                  is_conversion_event: r.is_conversion_event,
                }))
                .sort(byId),
            ).toEqual(expected.sort(byId))
          },
        ),
        modelRuns,
      )
      // Both outcomes are exercised: most runs execute and are checked, some are refused.
      expect(accepted).toBeGreaterThan(modelRuns.numRuns / 3)
      expect(refused).toBeGreaterThan(0)
    })
  })
}
