import {
  formatTimeJs,
  ModelHubInputError,
  parseTimeFormat,
  STRFTIME_CODES,
  type StrftimeCode,
} from '@kysely-modelhub/core'
import { postgres } from '@kysely-modelhub/postgres'
import fc from 'fast-check'
import {
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { describeEachEngine } from '../support/engines.ts'

/**
 * Time formats (`timeAggregation`, strftime codes) from the text a user writes to the value each
 * engine prints: parsing and its errors, the TypeScript reference (formatTimeJs), the postgres
 * engine's to_char patterns, and every code printed by every engine against one expected table.
 */

const VALID_CODES = '%Y %m %d %H %M %S %f %y %j %b %h %B %a %A %w %V %G %u %F %T'

/** The error a format raises, so its class and message can be checked exactly. */
function errorOf(format: string): unknown {
  try {
    parseTimeFormat(format)
  } catch (error) {
    return error
  }
  throw new Error(`expected parseTimeFormat(${JSON.stringify(format)}) to throw`)
}

describe('parseTimeFormat', () => {
  it('splits a date format into codes and the text between them', () => {
    expect(parseTimeFormat('%Y-%m-%d')).toEqual({
      source: '%Y-%m-%d',
      parts: [{ code: 'Y' }, { literal: '-' }, { code: 'm' }, { literal: '-' }, { code: 'd' }],
    })
  })

  it('keeps adjacent codes as separate parts', () => {
    expect(parseTimeFormat('%Y%m%d%H%M%S').parts).toEqual([
      { code: 'Y' },
      { code: 'm' },
      { code: 'd' },
      { code: 'H' },
      { code: 'M' },
      { code: 'S' },
    ])
  })

  it('keeps leading and trailing text', () => {
    expect(parseTimeFormat('week %V of %G!').parts).toEqual([
      { literal: 'week ' },
      { code: 'V' },
      { literal: ' of ' },
      { code: 'G' },
      { literal: '!' },
    ])
  })

  it('turns %% into a percent sign merged with the text around it', () => {
    expect(parseTimeFormat('100%% at %H%%').parts).toEqual([{ literal: '100% at ' }, { code: 'H' }, { literal: '%' }])
    expect(parseTimeFormat('%%Y').parts).toEqual([{ literal: '%Y' }])
    expect(parseTimeFormat('%%%Y').parts).toEqual([{ literal: '%' }, { code: 'Y' }])
    expect(parseTimeFormat('%%%%').parts).toEqual([{ literal: '%%' }])
  })

  it('keeps quotes, backslashes, to_char pattern letters and unicode as plain text', () => {
    const source = `"'\\ YYYY Day MM FM TH é ✓ 😀`
    expect(parseTimeFormat(source)).toEqual({ source, parts: [{ literal: source }] })
  })

  it('accepts every documented code on its own', () => {
    for (const code of Object.keys(STRFTIME_CODES)) {
      expect(parseTimeFormat(`%${code}`).parts).toEqual([{ code }])
    }
    expect(Object.keys(STRFTIME_CODES).map((c) => `%${c}`)).toEqual(VALID_CODES.split(' '))
  })

  it.each([
    ['%Q', 'the code %Q'],
    ['%z', 'the code %z'],
    ['%Z', 'the code %Z'],
    ['%e', 'the code %e'],
    ['%-d', 'the code %-'],
    ['%Y-%Q%', 'the code %Q'],
    ['%Q%', 'the code %Q'],
  ])('rejects %j, naming %s and the valid codes', (format, shown) => {
    const error = errorOf(format)
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toBe(
      `time format: got ${JSON.stringify(format)}; ${shown} is not supported; use %% for a percent sign and one of ${VALID_CODES}`,
    )
  })

  it.each(['%', 'abc%', '%Y%', '%%%'])('rejects a lone %% at the end of %j', (format) => {
    const error = errorOf(format)
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toBe(
      `time format: got ${JSON.stringify(format)}; a lone "%" at the end is not supported; use %% for a percent sign and one of ${VALID_CODES}`,
    )
  })

  it('rejects an empty format', () => {
    const error = errorOf('')
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toBe('time format: got ""; expected a strftime format such as "%Y-%m-%d"')
  })

  it('rejects NUL anywhere, also right after a %', () => {
    for (const format of ['a\u0000b', '%\u0000', '%Y\u0000']) {
      const error = errorOf(format)
      expect(error).toBeInstanceOf(ModelHubInputError)
      expect((error as Error).message).toBe(
        `time format: got ${JSON.stringify(format)}; text may not contain the NUL character`,
      )
    }
  })

  it('rejects a lone surrogate', () => {
    const error = errorOf('%Y\uD800')
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toBe(
      'time format: got "%Y\\ud800"; text must be well-formed Unicode (no lone surrogates)',
    )
  })
})

describe('formatTimeJs (the reference the engines are tested against)', () => {
  const everyCode = parseTimeFormat('%Y|%m|%d|%H|%M|%S|%f|%y|%j|%b|%h|%B|%a|%A|%w|%V|%G|%u|%F|%T')

  it.each([
    // A Sunday in ISO week 53 of 2020, the last microsecond of the day.
    [
      '2021-01-03T23:59:59.999Z',
      999,
      '2021|01|03|23|59|59|999999|21|003|Jan|Jan|January|Sun|Sunday|0|53|2020|7|2021-01-03|23:59:59',
    ],
    // A Monday of 2024 in ISO week 1 of 2025.
    [
      '2024-12-30T00:00:00.000Z',
      0,
      '2024|12|30|00|00|00|000000|24|365|Dec|Dec|December|Mon|Monday|1|01|2025|1|2024-12-30|00:00:00',
    ],
    // A leap day.
    [
      '2024-02-29T12:34:56.789Z',
      12,
      '2024|02|29|12|34|56|789012|24|060|Feb|Feb|February|Thu|Thursday|4|09|2024|4|2024-02-29|12:34:56',
    ],
  ])('formats %s (+%i µs)', (iso, micros, expected) => {
    expect(formatTimeJs(new Date(iso), everyCode, micros)).toBe(expected)
  })

  it('prints literal text and percent signs as they are', () => {
    expect(formatTimeJs(new Date('2021-06-01T00:00:00Z'), parseTimeFormat(`"'\\ YYYY 100%% é %d`))).toBe(
      `"'\\ YYYY 100% é 01`,
    )
  })
})

describe('time formats at the edges', () => {
  it('formats years 0-99 as those years, not 1900-1999', () => {
    const at = (iso: string, format: string) => {
      const date = new Date(0)
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
      date.setUTCFullYear(y, m - 1, d)
      return formatTimeJs(date, parseTimeFormat(format))
    }
    expect(at('0050-01-01', '%G-W%V-%u %Y %j')).toBe('0049-W52-6 0050 001')
    expect(at('0000-03-01', '%j')).toBe('061')
  })
  it('names a whole emoji in an unsupported code', () => {
    expect(() => parseTimeFormat('%😀')).toThrow(/the code %😀 is not supported/)
  })
})

/** A piece of the postgres engine's output: a to_char pattern, or the weekday number (%w). */
type ToCharPiece = { readonly pattern: string } | { readonly weekday: true }

/** Kysely's Postgres compiler on a driver that never connects: the postgres engine's SQL without a database. */
const offlinePostgres = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

/**
 * The to_char patterns and %w pieces of the postgres engine's SQL for a format, in order. Read from
 * the compiled SQL (public API) rather than from the engine's internals: each pattern is the string
 * literal `E'…'` passed to to_char, with its doubled quotes and backslashes undone.
 */
function pieces(format: string): ToCharPiece[] {
  const { sql: text } = sql`select ${postgres.timeFormat(sql.ref('m'), parseTimeFormat(format))}`.compile(
    offlinePostgres,
  )
  return [...text.matchAll(/E'((?:[^']|'')*)'|extract\(dow from /g)].map(([, literal]) =>
    literal === undefined ? { weekday: true } : { pattern: literal.replace(/\\\\|''/g, (escaped) => escaped.slice(1)) },
  )
}

describe("the postgres engine's to_char patterns", () => {
  it.each([
    ['%Y', 'YYYY'],
    ['%m', 'MM'],
    ['%d', 'DD'],
    ['%H', 'HH24'],
    ['%M', 'MI'],
    ['%S', 'SS'],
    ['%f', 'US'],
    ['%y', 'YY'],
    ['%j', 'DDD'],
    ['%b', 'Mon'],
    ['%h', 'Mon'],
    ['%B', 'FMMonth'],
    ['%a', 'Dy'],
    ['%A', 'FMDay'],
    ['%V', 'IW'],
    ['%G', 'IYYY'],
    ['%u', 'ID'],
    ['%F', 'YYYY-MM-DD'],
    ['%T', 'HH24:MI:SS'],
  ])('maps %s to the to_char pattern %s', (format, pattern) => {
    expect(pieces(format)).toEqual([{ pattern }])
  })

  it('computes %w apart, since to_char counts Sunday as 1', () => {
    expect(pieces('%w')).toEqual([{ weekday: true }])
  })

  it('separates adjacent codes with "" so they cannot merge into another pattern', () => {
    expect(pieces('%d%j')).toEqual([{ pattern: 'DD""DDD' }])
    expect(pieces('%H%M%S')).toEqual([{ pattern: 'HH24""MI""SS' }])
    expect(pieces('%Y%m%d')).toEqual([{ pattern: 'YYYY""MM""DD' }])
    expect(pieces('%y%y')).toEqual([{ pattern: 'YY""YY' }])
  })

  it('double-quotes literal text, so pattern letters in it print as they are', () => {
    expect(pieces('YYYY Day MM')).toEqual([{ pattern: '"YYYY Day MM"' }])
    expect(pieces('%Y-%m-%d')).toEqual([{ pattern: 'YYYY"-"MM"-"DD' }])
    expect(pieces('%dth')).toEqual([{ pattern: 'DD"th"' }])
    expect(pieces('at %H:%M')).toEqual([{ pattern: '"at "HH24":"MI' }])
  })

  it('escapes double quotes and backslashes in literal text with a backslash', () => {
    expect(pieces('a"b')).toEqual([{ pattern: '"a\\"b"' }])
    expect(pieces('a\\b')).toEqual([{ pattern: '"a\\\\b"' }])
    expect(pieces('\\"')).toEqual([{ pattern: '"\\\\\\""' }])
    expect(pieces(`'`)).toEqual([{ pattern: `"'"` }])
    expect(pieces('100%%')).toEqual([{ pattern: '"100%"' }])
    expect(pieces('é ✓ 😀')).toEqual([{ pattern: '"é ✓ 😀"' }])
  })

  it('splits the pattern around %w and keeps the order', () => {
    expect(pieces('%a %w %u')).toEqual([{ pattern: 'Dy" "' }, { weekday: true }, { pattern: '" "ID' }])
    expect(pieces('%w%w')).toEqual([{ weekday: true }, { weekday: true }])
    expect(pieces('%Y%w%d')).toEqual([{ pattern: 'YYYY' }, { weekday: true }, { pattern: 'DD' }])
  })
})

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
