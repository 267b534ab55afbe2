import { formatTimeJs, parseTimeFormat, STRFTIME_CODES, type StrftimeCode } from '@kysely-modelhub/core'
import fc from 'fast-check'
import { type Expression, sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachEngine } from '../support/engines.ts'

/** Instants chosen for their calendar edges, in time order (the order of the expected lists). */
const INSTANTS = [
  // A Thursday, in ISO week 1 of its own year.
  ['epoch', '1970-01-01 00:00:00'],
  // A Sunday (%w 0, %u 7) that belongs to ISO week 53 of 2020; the last microsecond of the day.
  ['sunday', '2021-01-03 23:59:59.999999'],
  // The longest month and weekday names, which to_char would pad without FM.
  ['wednesday', '2021-09-15 08:09:10.5'],
  ['leap day', '2024-02-29 12:34:56.789012'],
  // A Monday of 2024 in ISO week 1 of 2025.
  ['monday', '2024-12-30 00:00:00'],
  ['late', '2100-12-31 07:08:09.000042'],
] as const

/** What each code prints for each of INSTANTS, in order. */
const EXPECTED: Record<StrftimeCode, readonly string[]> = {
  Y: ['1970', '2021', '2021', '2024', '2024', '2100'],
  m: ['01', '01', '09', '02', '12', '12'],
  d: ['01', '03', '15', '29', '30', '31'],
  H: ['00', '23', '08', '12', '00', '07'],
  M: ['00', '59', '09', '34', '00', '08'],
  S: ['00', '59', '10', '56', '00', '09'],
  f: ['000000', '999999', '500000', '789012', '000000', '000042'],
  y: ['70', '21', '21', '24', '24', '00'],
  j: ['001', '003', '258', '060', '365', '365'],
  b: ['Jan', 'Jan', 'Sep', 'Feb', 'Dec', 'Dec'],
  h: ['Jan', 'Jan', 'Sep', 'Feb', 'Dec', 'Dec'],
  B: ['January', 'January', 'September', 'February', 'December', 'December'],
  a: ['Thu', 'Sun', 'Wed', 'Thu', 'Mon', 'Fri'],
  A: ['Thursday', 'Sunday', 'Wednesday', 'Thursday', 'Monday', 'Friday'],
  w: ['4', '0', '3', '4', '1', '5'],
  V: ['01', '53', '37', '09', '01', '52'],
  G: ['1970', '2020', '2021', '2024', '2025', '2100'],
  u: ['4', '7', '3', '4', '1', '5'],
  F: ['1970-01-01', '2021-01-03', '2021-09-15', '2024-02-29', '2024-12-30', '2100-12-31'],
  T: ['00:00:00', '23:59:59', '08:09:10', '12:34:56', '00:00:00', '07:08:09'],
}

/** Postgres' text of a timestamp as the Date and extra microseconds formatTimeJs takes. */
function jsInstant(text: string): { date: Date; micros: number } {
  const [whole, fraction = ''] = text.split('.')
  const digits = fraction.padEnd(6, '0')
  return {
    date: new Date(`${(whole as string).replace(' ', 'T')}.${digits.slice(0, 3)}Z`),
    micros: Number(digits.slice(3)),
  }
}

describeEachEngine(
  'time format',
  (ctx) => {
    /** Formats every row of the instants table, in time order. */
    async function formatTable(format: string): Promise<string[]> {
      const rows = await ctx.db
        .selectFrom('instants')
        .select((eb) => ctx.engine.timeFormat(eb.ref('m'), parseTimeFormat(format)).as('v'))
        .orderBy('m')
        .execute()
      return rows.map((row) => row.v)
    }

    /** Formats one timestamp literal. */
    async function formatAt(timestamp: string, format: string): Promise<string | null> {
      const at = sql`cast(${sql.lit(timestamp)} as timestamp)`
      const { rows } = await sql<{
        v: string | null
      }>`select ${ctx.engine.timeFormat(at, parseTimeFormat(format))} as v`.execute(ctx.db)
      return rows[0]?.v ?? null
    }

    it('has an expected list for every code', () => {
      expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(STRFTIME_CODES).sort())
    })

    for (const code of Object.keys(STRFTIME_CODES) as StrftimeCode[]) {
      it(`prints %${code} (${STRFTIME_CODES[code]})`, async () => {
        expect(await formatTable(`%${code}`)).toEqual(EXPECTED[code])
        // The reference agrees, so the property test below compares against the right thing.
        expect(
          INSTANTS.map(([, text]) =>
            formatTimeJs(jsInstant(text).date, parseTimeFormat(`%${code}`), jsInstant(text).micros),
          ),
        ).toEqual(EXPECTED[code])
      })
    }

    it('prints every code in one format, %w included between to_char patterns', async () => {
      expect(await formatTable('%a %w %u|%F %T.%f|%G-W%V-%u|%j')).toEqual([
        'Thu 4 4|1970-01-01 00:00:00.000000|1970-W01-4|001',
        'Sun 0 7|2021-01-03 23:59:59.999999|2020-W53-7|003',
        'Wed 3 3|2021-09-15 08:09:10.500000|2021-W37-3|258',
        'Thu 4 4|2024-02-29 12:34:56.789012|2024-W09-4|060',
        'Mon 1 1|2024-12-30 00:00:00.000000|2025-W01-1|365',
        'Fri 5 5|2100-12-31 07:08:09.000042|2100-W52-5|365',
      ])
    })

    it.each([
      ['%d%j', '03003'],
      ['%j%d', '00303'],
      ['%H%M%S', '235959'],
      ['%Y%m%d', '20210103'],
      ['%y%Y', '212021'],
      ['%G%V%u', '2020537'],
      ['%w%u%w', '070'],
      ['%S%f', '59999999'],
      ['%b%B%a%A', 'JanJanuarySunSunday'],
      ['%FT%T', '2021-01-03T23:59:59'],
    ])('keeps adjacent codes apart: %s', async (format, expected) => {
      expect(await formatAt('2021-01-03 23:59:59.999999', format)).toBe(expected)
    })

    it.each([
      ['"', '"'],
      ['\\', '\\'],
      ["'", "'"],
      ['"%Y"', '"2021"'],
      ['\\%Y\\', '\\2021\\'],
      ['\\"', '\\"'],
      ['""', '""'],
      ["it's %A", "it's Sunday"],
      ['YYYY Day MM FM TH US IW DDD', 'YYYY Day MM FM TH US IW DDD'],
      ['YYYY=%Y Day=%A MM=%m', 'YYYY=2021 Day=Sunday MM=01'],
      ['%dth', '03th'],
      ['FM%B', 'FMJanuary'],
      ['%%', '%'],
      ['100%% %Y%%', '100% 2021%'],
      ['%%Y %%%Y', '%Y %2021'],
      ['é ✓ 😀 日本 %d', 'é ✓ 😀 日本 03'],
      ["'); drop table instants; -- $1 %Y", "'); drop table instants; -- $1 2021"],
    ])('prints literal text as it is: %j', async (format, expected) => {
      expect(await formatAt('2021-01-03 23:59:59.999999', format)).toBe(expected)
    })

    it('gives NULL for a NULL timestamp', async () => {
      expect(await formatAt('2021-01-03 00:00:00', '%Y')).toBe('2021')
      const { rows } = await sql<{ a: string | null; b: string | null }>`select ${ctx.engine.timeFormat(
        sql`cast(null as timestamp)`,
        parseTimeFormat('%Y'),
      )} as a, ${ctx.engine.timeFormat(sql`cast(null as timestamp)`, parseTimeFormat('%Y %w'))} as b`.execute(ctx.db)
      expect(rows).toEqual([{ a: null, b: null }])
    })

    it('agrees with formatTimeJs for random instants and formats', async () => {
      const code = fc.constantFrom(...Object.keys(STRFTIME_CODES).map((c) => `%${c}`))
      const literal = fc.oneof(
        fc.constantFrom('"', '\\', "'", '%%', 'YYYY', 'Day', 'MM', 'FM', 'TH', 'US', 'IW', 'DDD', ' ', '-', '$1', '--'),
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 3 })
          .filter((s) => !s.includes('%') && !s.includes('\u0000') && s.isWellFormed()),
      )
      const format = fc.array(fc.oneof(code, literal), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''))
      const anyInstant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 11, 31, 23, 59, 59, 999) })
      // Days around New Year, where ISO weeks and years differ from calendar ones.
      const newYear = fc
        .record({
          year: fc.integer({ min: 1970, max: 2099 }),
          day: fc.integer({ min: 0, max: 7 }),
          time: fc.integer({ min: 0, max: 86_399_999 }),
        })
        .map(({ year, day, time }) => Date.UTC(year, 11, 28 + day) + time)
      const instant = fc.record({ ms: fc.oneof(anyInstant, newYear), micros: fc.integer({ min: 0, max: 999 }) })

      await fc.assert(
        fc.asyncProperty(format, fc.array(instant, { minLength: 1, maxLength: 4 }), async (source, instants) => {
          const parsed = parseTimeFormat(source)
          const texts = instants.map(
            ({ ms, micros }) => `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}`,
          )
          // UNION ALL rather than VALUES, which GoogleSQL lacks.
          const values = texts.map((text, i) => sql`select ${sql.lit(i)} as i, cast(${text} as timestamp) as m`)
          const { rows } = await sql<{ v: string }>`select ${ctx.engine.timeFormat(
            sql.ref('t.m') as Expression<unknown>,
            parsed,
          )} as v from (${sql.join(values, sql` union all `)}) as t order by t.i`.execute(ctx.db)
          expect(rows.map((row) => row.v)).toEqual(
            instants.map(({ ms, micros }) => formatTimeJs(new Date(ms), parsed, micros)),
          )
        }),
        { seed: 42, numRuns: 150 },
      )
    })
  },
  {
    instants: {
      columns: { name: 'STRING', m: 'TIMESTAMP' },
      rows: INSTANTS.map(([name, m]) => ({ name, m })),
    },
  },
)
