import { describe, expect, it } from 'vitest'
import { ModelHubInputError } from '../src/errors.ts'
import { formatTimeJs, parseTimeFormat, STRFTIME_CODES } from '../src/time-format.ts'

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
