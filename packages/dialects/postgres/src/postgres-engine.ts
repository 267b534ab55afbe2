import type { CalendarUnit, Engine, JsonMatch, SliceEnd, SliceStart } from '@kysely-modelhub/core'
import {
  checkCalendarUnit,
  checkTimeZone,
  contextTypeLabel,
  DEFAULT_TIME_ZONE,
  ModelHubInputError,
  matchEntries,
  OBJECTIV_LOCATION_TYPES,
  wholeSeconds,
} from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import { quotePostgresString } from './quote.ts'
import { postgresCatalog, postgresTables } from './tables.ts'
import { toCharPieces } from './time-format.ts'

const lit = (value: string): RawBuilder<string> => sql.raw(quotePostgresString(value))

/**
 * An instant as the timestamp (no time zone) of its UTC wall clock, exactly and whatever the
 * session's time zone: a `timestamp` (holding UTC) stays as it is, a `timestamptz` becomes its UTC
 * time. `x - 'epoch'` takes x's own type, so one expression serves both.
 */
const utc = (t: Expression<unknown>) => sql`(timestamp 'epoch' + ((${t}) - 'epoch'))`

/** `element -> 'key' = '<json>'::jsonb` for every key: present with an equal JSON value. */
function matchSql(element: RawBuilder<unknown>, match: JsonMatch): RawBuilder<boolean> {
  const tests = matchEntries(match).map(
    ([key, value]) => sql`(${element} -> ${lit(key)}) = ${lit(JSON.stringify(value))}::jsonb`,
  )
  return sql<boolean>`(${sql.join(tests, sql` and `)})`
}

/**
 * The elements matching, as one jsonpath query (far cheaper than a subquery over the elements):
 * `strict $[*] ? (@."k" == $v0 && …)`. Strict, so a key holding an array is not unwrapped and a
 * non-object element or a missing key never matches; silent, so a non-array gives no elements.
 * Keys are written as JSON string literals (valid jsonpath strings); values are jsonpath
 * variables, so they never enter the path.
 */
function matchPath(match: JsonMatch): RawBuilder<unknown> {
  const entries = matchEntries(match)
  const tests = entries.map(([key], i) => `@.${JSON.stringify(key)} == $v${i}`)
  const vars = Object.fromEntries(entries.map(([, value], i) => [`v${i}`, value]))
  return sql`${lit(`strict $[*] ? (${tests.join(' && ')})`)}::jsonpath, ${lit(JSON.stringify(vars))}::jsonb, true`
}

/**
 * The value if it is a JSON array, else SQL NULL: a JSON `null` or a scalar where an array belongs
 * (`"location_stack": null`) reads as no elements, as BigQuery's JSON_QUERY_ARRAY reads it, instead
 * of failing the whole query. Evaluates `array` once.
 */
const onlyArray = (array: Expression<unknown>) =>
  sql`jsonb_path_query_first(${array}, 'strict $ ? (@.type() == "array")')`

const elements = (array: Expression<unknown>) =>
  sql`jsonb_array_elements(${onlyArray(array)}) with ordinality as e(value, i)`
const value = sql.ref('e.value')

/**
 * Slices in one pass over the elements: the window columns say whether the start match has been
 * seen and whether the end match came before this element, so the array is read only once.
 */
function sliceSql(array: Expression<unknown>, start?: SliceStart, end?: SliceEnd): RawBuilder<unknown[]> {
  const columns: RawBuilder<unknown>[] = [sql`e.value`, sql`e.i`, sql`count(*) over () as n`]
  const where: RawBuilder<unknown>[] = [sql`true`]
  if (start && 'index' in start) {
    where.push(start.index >= 0 ? sql`s.i > ${sql.lit(start.index)}` : sql`s.i > s.n + (${sql.lit(start.index)})`)
  } else if (start) {
    columns.push(sql`bool_or(${matchSql(value, start.firstMatch)}) over (order by e.i) as started`)
    where.push(sql`s.started`)
  }
  if (end && 'index' in end) {
    where.push(end.index >= 0 ? sql`s.i <= ${sql.lit(end.index)}` : sql`s.i <= s.n + (${sql.lit(end.index)})`)
  } else if (end) {
    const m = matchSql(value, end.throughFirstMatch)
    columns.push(sql`bool_or(${m}) over () as has_end`)
    columns.push(sql`bool_or(${m}) over (order by e.i rows between unbounded preceding and 1 preceding) as ended`)
    where.push(sql`s.has_end and not coalesce(s.ended, false)`)
  }
  return sql<
    unknown[]
  >`coalesce((select jsonb_agg(s.value order by s.i) from (select ${sql.join(columns)} from ${elements(array)}) as s where ${sql.join(where, sql` and `)}), '[]'::jsonb)`
}

/**
 * The label of location context `e.value`: 'WebDocumentContext' → 'Web Document', then ': ' and
 * its id when it has one. The taxonomy's own types are looked up: a regular expression per
 * element cost most of a nice name. One raw fragment, built once, so compiling it costs nothing.
 */
const CONTEXT_LABEL = (() => {
  const type = "coalesce(e.value ->> '_type', '')"
  const known = OBJECTIV_LOCATION_TYPES.map(
    (t) => `when ${quotePostgresString(t)} then ${quotePostgresString(contextTypeLabel(t))}`,
  )
  const camel = `regexp_replace(regexp_replace(${type}, '([a-z])([A-Z])', ${quotePostgresString('\\1 \\2')}, 'g'), ' Context$', '')`
  return sql.raw(`(case ${type} ${known.join(' ')} else ${camel} end) || coalesce(': ' || (e.value ->> 'id'), '')`)
})()

/**
 * Whole calendar units from `start` to `end`, both timestamps read as they are; for weeks both
 * must be Mondays (starts of their weeks).
 */
function unitsBetween(start: Expression<unknown>, end: Expression<unknown>, unit: CalendarUnit): RawBuilder<number> {
  const year = (t: Expression<unknown>) => sql`extract(year from ${t})`
  const month = (t: Expression<unknown>) => sql`extract(month from ${t})`
  switch (unit) {
    case 'day':
      return sql<number>`((${end})::date - (${start})::date)`
    case 'week':
      return sql<number>`(((${end})::date - (${start})::date) / 7)`
    case 'month':
      return sql<number>`(((${year(end)} - ${year(start)}) * 12 + ${month(end)} - ${month(start)})::int)`
    case 'year':
      return sql<number>`((${year(end)} - ${year(start)})::int)`
  }
}

/** Postgres (and PGlite): JSON as jsonb, time buckets with to_char, all timestamps read as UTC. */
export const postgres: Engine = {
  name: 'postgres',
  sessionIds: 'sequential',

  tables: postgresTables,

  catalog: postgresCatalog,

  sqlFormatterLanguage: 'postgresql',

  quoteString: quotePostgresString,

  jsonElement: <T>(array: Expression<unknown>, index: number) => sql<T | null>`(${array} -> (${sql.lit(index)}))`,

  jsonLength: (array) => sql<number>`coalesce(jsonb_array_length(${onlyArray(array)}), 0)`,

  jsonSlice: <T>(array: Expression<unknown>, bounds: { start?: SliceStart; end?: SliceEnd }) =>
    sliceSql(array, bounds.start, bounds.end) as RawBuilder<T[]>,

  jsonFilter: <T>(array: Expression<unknown>, match: JsonMatch) =>
    sql<T[]>`coalesce(jsonb_path_query_array(${array}, ${matchPath(match)}), '[]'::jsonb)`,

  // Containment, not a scan of the elements: `[{"k": v}]` is contained exactly when some element
  // is an object holding k with a JSON-equal scalar v (nested values and non-arrays never are).
  jsonSome: (array, match) =>
    sql<boolean>`coalesce((${array}) @> ${lit(JSON.stringify([Object.fromEntries(matchEntries(match))]))}::jsonb, false)`,

  jsonPick: <T>(array: Expression<unknown>, keys: readonly string[]) => {
    const fields = keys.map((key) => sql`${lit(key)}, e.value -> ${lit(key)}`)
    return sql<
      T[]
    >`coalesce((select jsonb_agg(jsonb_build_object(${sql.join(fields)}) order by e.i) from ${elements(array)}), '[]'::jsonb)`
  },

  // Containment again: false for a JSON string or object where the array belongs.
  jsonIncludesString: (array, text) =>
    sql<boolean>`coalesce((${array}) @> ${lit(JSON.stringify([text]))}::jsonb, false)`,

  jsonFieldText: (object, key) => sql<string | null>`(${object} ->> ${lit(key)})`,

  jsonField: <T>(object: Expression<unknown>, key: string) => sql<T | null>`(${object} -> ${lit(key)})`,

  // The labels in one ordered array: the last is the name, the others say where it is located.
  niceName: (stack) =>
    sql<
      string | null
    >`(select a.l[cardinality(a.l)] || case when cardinality(a.l) > 1 then ' located at ' || array_to_string(a.l[1:cardinality(a.l) - 1], ' => ') else '' end from (select array_agg(${CONTEXT_LABEL} order by e.i) as l from ${elements(stack)}) as a)`,

  codePointOrder: (text) => sql<string | null>`((${text}) collate "C")`,

  // Any OFFSET stops Postgres from pulling a subquery up (OFFSET 0 is the documented idiom).
  // OFFSET NULL also skips no rows, and unlike OFFSET 0 (an int4 cast to bigint when the planner
  // looks) it is a constant from the start, so the planner still considers parallel plans above it.
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  computedOnce: <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q =>
    query.offset(sql<number>`${sql.lit(null)}`) as Q,

  // The planner takes a subquery's ORDER BY as the GROUP BY's sort order (preprocess_groupclause).
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  inWindowOrder: <Q extends SelectQueryBuilder<any, any, any>>(query: Q, order: (query: Q) => Q): Q => order(query),

  parseJson: (value) => sql`(${value})::jsonb`,

  jsonText: (json) => sql<string | null>`(${json})::text`,

  jsonArrayOrEmpty: <T>(array: Expression<unknown>) => sql<T[]>`coalesce(${array}, '[]'::jsonb)`,

  collect: <T>(value: Expression<T>) => sql<T[] | null>`array_agg(${value}) filter (where ${value} is not null)`,

  date: (day) => sql<string>`${day}::date`,

  toText: (value) => sql<string>`(${value})::text`,

  // The UTC wall clock as timestamptz, then its wall clock in the zone: a timestamp without time zone.
  localTime: (instant, timeZone) => {
    const zone = checkTimeZone('timeZone', timeZone)
    return zone === DEFAULT_TIME_ZONE
      ? sql<Date>`${instant}`
      : sql<Date>`((${utc(instant)} at time zone 'UTC') at time zone ${lit(zone)})`
  },

  timeFormat: (instant, format) => {
    const timestamp = utc(instant)
    const pieces = toCharPieces(format).map((piece) =>
      'pattern' in piece
        ? sql`to_char(${timestamp}, ${lit(piece.pattern)})`
        : sql`extract(dow from ${timestamp})::int::text`,
    )
    return pieces.length === 1 ? (pieces[0] as RawBuilder<string>) : sql<string>`(${sql.join(pieces, sql` || `)})`
  },

  epochSecondsBetween: (start, end) => sql<number>`extract(epoch from (${end}) - (${start}))::float8`,

  withinSeconds: (start, end, seconds) =>
    sql<boolean>`(${end}) - (${start}) <= ${sql.lit(wholeSeconds(seconds))} * interval '1 second'`,

  truncateTime: (timestamp, unit) => sql<Date>`date_trunc(${lit(checkCalendarUnit(unit))}, ${utc(timestamp)})`,

  // Days and weeks are fixed lengths of time: binned from the epoch (weeks from its first Monday)
  // in the column's own type, with no conversion to UTC and no calendar (date_bin, Postgres 14+).
  // An origin written with '+00' is UTC as a timestamptz and the same wall clock as a timestamp.
  periodKey: (timestamp, unit) => {
    const checked = checkCalendarUnit(unit)
    if (checked === 'day') return sql<Date>`date_bin('1 day', ${timestamp}, 'epoch')`
    if (checked === 'week') return sql<Date>`date_bin('7 days', ${timestamp}, '1970-01-05 00:00:00+00')`
    return postgres.truncateTime(timestamp, checked)
  },

  // On timestamps without time zone (utc), so a step of a day or a month never meets a DST change.
  periodStarts: (first, last, unit) =>
    sql<Date>`generate_series(${utc(first)}, ${utc(last)}, ${lit(`1 ${checkCalendarUnit(unit)}`)}::interval)`,

  calendarUnitsBetween: (startInstant, endInstant, unit) => {
    const checked = checkCalendarUnit(unit)
    // Weeks between their Mondays; the other units read any time within them alike.
    const unitStart = (t: Expression<unknown>) => (checked === 'week' ? sql`date_trunc('week', ${utc(t)})` : utc(t))
    return unitsBetween(unitStart(startInstant), unitStart(endInstant), checked)
  },

  // Days between the starts' dates: a whole number of weeks between two Mondays.
  startsBetween: (start, end, unit) => unitsBetween(start, end, checkCalendarUnit(unit)),

  dayStart: (day) => sql<Date>`${day}::date::timestamp`,

  dayOf: (timestamp) => sql<string>`(${utc(timestamp)})::date`,

  // int8: the day × 10⁹ of sessionIds 'daily' would overflow int4.
  epochDay: (timestamp) => sql<number>`((${utc(timestamp)})::date - date '1970-01-01')::int8`,

  firstRecordField: () => {
    throw noRecords()
  },

  recordsAsJson: () => {
    throw noRecords()
  },

  groupKey: (value) => ({ groupBy: [value], select: value }),

  toFloat: (value) => sql<number>`(${value})::double precision`,

  seededHash: (value, seed) => sql<number>`hashtextextended((${value})::text, ${seed}::bigint)`,

  // pg and PGlite read int8 and numeric as strings by default, date as a local-midnight Date and
  // timestamp as local time: float8, text and timestamptz come back right through any parsers.
  outputNumber: (value) => sql<number>`(${value})::float8`,

  // to_char, not ::text: the text of a date follows the session's DateStyle.
  outputDay: (day) => sql<string>`to_char((${day})::date::timestamp, 'YYYY-MM-DD')`,

  // A timestamptz names its instant (the text carries the offset), so every parser gets it right.
  outputInstant: (timestamp) => sql<Date>`(${utc(timestamp)} at time zone 'UTC')`,

  outputText: (value) => sql<string>`(${value})::text`,
}

/** Postgres has no REPEATED RECORD columns: the flattened Snowplow layout is BigQuery's. */
const noRecords = () =>
  new ModelHubInputError(
    "the snowplow layout (REPEATED RECORD context columns) needs BigQuery; on Postgres use the objectiv layout (the collector's data table)",
  )
