import { invalid } from './errors.ts'
import { assertText } from './json-match.ts'

/** The strftime codes every engine renders, with what each one prints (always in UTC). */
export const STRFTIME_CODES = {
  Y: 'year, 4 digits',
  m: 'month 01-12',
  d: 'day of month 01-31',
  H: 'hour 00-23',
  M: 'minute 00-59',
  S: 'second 00-59',
  f: 'microseconds 000000-999999',
  y: 'year without century 00-99',
  j: 'day of year 001-366',
  b: 'abbreviated month name (Jan)',
  h: 'abbreviated month name (Jan), same as %b',
  B: 'full month name (January)',
  a: 'abbreviated weekday name (Mon)',
  A: 'full weekday name (Monday)',
  w: 'weekday 0-6, Sunday is 0',
  V: 'ISO 8601 week 01-53',
  G: 'ISO 8601 week-based year',
  u: 'ISO weekday 1-7, Monday is 1',
  F: 'date, same as %Y-%m-%d',
  T: 'time, same as %H:%M:%S',
} as const

export type StrftimeCode = keyof typeof STRFTIME_CODES

/** One piece of a parsed format: a code to render, or text to print as it is. */
export type TimeFormatPart = { readonly code: StrftimeCode } | { readonly literal: string }

/** A strftime format checked once and split into parts, ready for an engine to render. */
export interface TimeFormat {
  readonly source: string
  readonly parts: readonly TimeFormatPart[]
}

/**
 * Parses a strftime-style format such as `'%Y-%m-%d'`. `%%` prints a percent sign. An unknown
 * code or a lone `%` at the end is an error naming the valid codes, never silently kept.
 */
export function parseTimeFormat(format: string): TimeFormat {
  assertText('time format', format)
  if (format.length === 0) invalid('time format', format, 'expected a strftime format such as "%Y-%m-%d"')
  const parts: TimeFormatPart[] = []
  let text = ''
  const chars = [...format] // by code point, so '%😀' names the whole character
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string
    if (char !== '%') {
      text += char
      continue
    }
    const code = chars[i + 1]
    i++
    if (code === '%') {
      text += '%'
      continue
    }
    if (code === undefined || !Object.hasOwn(STRFTIME_CODES, code)) {
      const shown = code === undefined ? 'a lone "%" at the end' : `the code %${code}`
      invalid(
        'time format',
        format,
        `${shown} is not supported; use %% for a percent sign and one of ${Object.keys(STRFTIME_CODES)
          .map((c) => `%${c}`)
          .join(' ')}`,
      )
    }
    if (text) parts.push({ literal: text })
    text = ''
    parts.push({ code: code as StrftimeCode })
  }
  if (text) parts.push({ literal: text })
  return { source: format, parts }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** Midnight UTC of a day; unlike Date.UTC, years 0-99 are not taken as 1900-1999. */
function utcDay(year: number, month: number, day: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  return date.getTime()
}

/**
 * Formats a UTC instant in plain TypeScript: the reference the engines' SQL is tested against.
 * `micros` (0-999) adds precision below the Date's milliseconds.
 */
export function formatTimeJs(date: Date, format: TimeFormat, micros = 0): string {
  const dayMs = 86_400_000
  const startOfYear = utcDay(date.getUTCFullYear(), 0, 1)
  const midnight = utcDay(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
  const weekday = date.getUTCDay()
  const isoWeekday = weekday === 0 ? 7 : weekday
  // The ISO week belongs to the year holding its Thursday.
  const thursday = new Date(midnight + (4 - isoWeekday) * dayMs)
  const isoYear = thursday.getUTCFullYear()
  const isoWeek = Math.floor((thursday.getTime() - utcDay(isoYear, 0, 1)) / dayMs / 7) + 1
  const render: Record<StrftimeCode, () => string> = {
    Y: () => pad(date.getUTCFullYear(), 4),
    m: () => pad(date.getUTCMonth() + 1, 2),
    d: () => pad(date.getUTCDate(), 2),
    H: () => pad(date.getUTCHours(), 2),
    M: () => pad(date.getUTCMinutes(), 2),
    S: () => pad(date.getUTCSeconds(), 2),
    f: () => pad(date.getUTCMilliseconds() * 1000 + micros, 6),
    y: () => pad(date.getUTCFullYear() % 100, 2),
    j: () => pad(Math.floor((midnight - startOfYear) / dayMs) + 1, 3),
    b: () => (MONTHS[date.getUTCMonth()] as string).slice(0, 3),
    h: () => (MONTHS[date.getUTCMonth()] as string).slice(0, 3),
    B: () => MONTHS[date.getUTCMonth()] as string,
    a: () => (DAYS[weekday] as string).slice(0, 3),
    A: () => DAYS[weekday] as string,
    w: () => String(weekday),
    V: () => pad(isoWeek, 2),
    G: () => pad(isoYear, 4),
    u: () => String(isoWeekday),
    F: () => `${render.Y()}-${render.m()}-${render.d()}`,
    T: () => `${render.H()}:${render.M()}:${render.S()}`,
  }
  return format.parts.map((part) => ('code' in part ? render[part.code]() : part.literal)).join('')
}
