import { invalid } from './errors.ts'

/** The zone every time function reads instants in unless told otherwise; its SQL is the same as before zones. */
export const DEFAULT_TIME_ZONE = 'UTC'

/** `Area/Location` (`Europe/Amsterdam`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`). */
const AREA_LOCATION = /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/

const HELP =
  "expected an IANA time zone name such as 'UTC', 'Europe/Amsterdam', 'America/Los_Angeles' or 'Asia/Kolkata' " +
  "(the tz database's Area/Location names; list them with Intl.supportedValuesOf('timeZone') or see " +
  'https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)'

/**
 * What is wrong with a time zone option (what would be valid), or undefined for an IANA name.
 * Offsets ('+01:00') and abbreviations ('CET', 'EST') are refused: an abbreviation names no one
 * place's daylight-saving rules, and engines read them differently.
 */
export function timeZoneProblem(value: unknown): string | undefined {
  return normalTimeZone(value) === undefined ? `not an IANA time zone name; ${HELP}` : undefined
}

/** Checks a time zone option: its IANA name ('utc' → 'UTC', case as the tz database writes it). */
export function checkTimeZone(what: string, value: unknown): string {
  return normalTimeZone(value) ?? invalid(what, value, `not an IANA time zone name; ${HELP}`)
}

function normalTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  if (value.toUpperCase() === 'UTC') return DEFAULT_TIME_ZONE
  if (!AREA_LOCATION.test(value)) return undefined
  let known: string
  try {
    known = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
  // Intl may answer with another name of the same zone (Asia/Kolkata → Asia/Calcutta): keep the
  // name given, only fixing its case when Intl spells that very name.
  return known.toLowerCase() === value.toLowerCase() ? known : value
}
