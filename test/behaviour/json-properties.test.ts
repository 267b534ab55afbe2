import {
  contextTypeLabel,
  type JsonMatch,
  type JsonScalar,
  locationStack,
  OBJECTIV_LOCATION_TYPES,
} from '@kysely-modelhub/core'
import fc from 'fast-check'
import { type Expression, sql } from 'kysely'
import { expect, it } from 'vitest'
import { HOSTILE_IDS } from '../fixtures/location-stacks.ts'
import { describeEachEngine } from '../support/engines.ts'
import { reference } from '../support/json-reference.ts'

/** Property runs per engine; NIGHTLY=1 runs many more with a random seed. */
const RUNS = process.env.NIGHTLY ? { numRuns: 2000 } : { numRuns: 200, seed: 20261128 }

/** Any text an engine can store: full Unicode, hostile favourites included. */
const text = fc
  .oneof(
    fc.constantFrom(...HOSTILE_IDS),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
  )
  .filter((s) => !s.includes('\u0000') && s.isWellFormed())

const key = fc.oneof(fc.constantFrom('_type', 'id', 'url'), text)
const scalar: fc.Arbitrary<JsonScalar> = fc.oneof(
  text,
  fc.constantFrom('LinkContext', 'SectionContext', 'a'),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
)
const element = fc.dictionary(key, scalar, { maxKeys: 4 })
const stack = fc.option(fc.array(element, { maxLength: 6 }), { nil: null })

/** A match taken from an element of the stack (so matches happen) or made up. */
const stackAndMatch = stack.chain((s) => {
  const made = fc.dictionary(key, scalar, { minKeys: 1, maxKeys: 3 })
  const taken = s?.some((e) => Object.keys(e).length > 0)
    ? fc
        .constantFrom(...s.filter((e) => Object.keys(e).length > 0))
        .chain((e) => fc.subarray(Object.entries(e), { minLength: 1 }).map((entries) => Object.fromEntries(entries)))
    : made
  return fc.tuple(fc.constant(s), fc.oneof(taken, made) as fc.Arbitrary<JsonMatch>)
})

describeEachEngine('JSON operator properties', (ctx) => {
  /** A stack as a JSON value of the engine; SQL NULL for null. */
  const json = (s: unknown): Expression<any> =>
    s === null
      ? sql`cast(null as ${sql.raw(ctx.isPostgres ? 'jsonb' : 'json')})`
      : ctx.engine.parseJson(sql`${JSON.stringify(s)}`)

  it('find exactly the elements a plain JS implementation finds, for any match values', async () => {
    await fc.assert(
      fc.asyncProperty(
        stackAndMatch,
        fc.integer({ min: -8, max: 8 }),
        fc.integer({ min: -8, max: 8 }),
        async ([raw, match], a, b) => {
          // What the database holds is the JSON text: -0 is stored as 0.
          const s: Record<string, JsonScalar>[] | null = JSON.parse(JSON.stringify(raw))
          const ls = locationStack(json(s), ctx.engine)
          const { rows } = await sql<Record<string, unknown>>`select
            ${ls.from(match)} as ${sql.id('from')}, ${ls.until(match)} as ${sql.id('until')},
            ${ls.filter(match)} as ${sql.id('filter')}, ${ls.contains(match)} as ${sql.id('contains')},
            ${ls.slice(a, b)} as ${sql.id('slice')}, ${ls.slice(a)} as ${sql.id('tail')},
            ${ls.at(a)} as ${sql.id('at')}, ${ls.length()} as ${sql.id('length')}`.execute(ctx.db)
          expect(rows[0]).toEqual({
            from: reference.from(s, match),
            until: reference.until(s, match),
            filter: reference.filter(s, match),
            contains: reference.contains(s, match),
            slice: reference.slice(s, a, b),
            tail: reference.slice(s, a),
            at: reference.at(s, a),
            length: (s ?? []).length,
          })
        },
      ),
      RUNS,
    )
  })

  it('name any stack of string-typed contexts as the reference does', async () => {
    const name = fc.oneof(
      text,
      fc.constantFrom('WebDocumentContext', 'ContextMenuContext', 'aBcD', 'Context', ' Context'),
      fc.constantFrom(...OBJECTIV_LOCATION_TYPES),
    )
    const contexts = fc.array(fc.record({ _type: name, id: text }, { requiredKeys: ['_type'] }), { maxLength: 5 })
    await fc.assert(
      fc.asyncProperty(fc.option(contexts, { nil: null }), async (s) => {
        const ls = locationStack(json(s), ctx.engine)
        const { rows } = await sql<{ nice: string | null }>`select ${ls.niceName()} as nice`.execute(ctx.db)
        expect(rows[0]?.nice).toBe(reference.niceName(s))
      }),
      RUNS,
    )
  })

  it("names each of the taxonomy's location types as its regular expression does", async () => {
    // Postgres looks these labels up; BigQuery applies the expression: both must give the list's labels.
    for (const type of OBJECTIV_LOCATION_TYPES) {
      const ls = locationStack(json([{ _type: type, id: 'x' }]), ctx.engine)
      const { rows } = await sql<{ nice: string | null }>`select ${ls.niceName()} as nice`.execute(ctx.db)
      expect(rows[0]?.nice).toBe(`${contextTypeLabel(type)}: x`)
      expect(contextTypeLabel(type)).toBe(reference.niceName([{ _type: type }]))
    }
  })

  it('quote any text as a literal that reads back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), async (values) => {
        const literals = values.map((v, i) => sql`${sql.raw(ctx.engine.quoteString(v))} as ${sql.id(`v${i}`)}`)
        const { rows } = await sql<Record<string, string>>`select ${sql.join(literals)}`.execute(ctx.db)
        expect(values.map((_, i) => rows[0]?.[`v${i}`])).toEqual(values)
      }),
      RUNS,
    )
  })
})
