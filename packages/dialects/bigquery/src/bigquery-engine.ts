import type { CalendarUnit, Engine, JsonMatch, JsonScalar, SliceEnd, SliceStart } from '@kysely-modelhub/core'
import { checkCalendarUnit, checkTimeZone, DEFAULT_TIME_ZONE, matchEntries, wholeSeconds } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import { quoteBigQueryString } from './quote.ts'
import { bigqueryCatalog, bigqueryTables } from './tables.ts'
import { formatTimestampPieces } from './time-format.ts'

const lit = (value: string): RawBuilder<string> => sql.raw(quoteBigQueryString(value))

/** Member `key` of a JSON value by subscript: any key text works, no JSONPath escaping. */
const member = (object: Expression<unknown>, key: string) => sql`${object}[${lit(key)}]`

/** Whether a JSON value (SQL NULL when missing) equals a scalar, as JSON values: 1 = 1.0, "1" ≠ 1. */
function equalsScalar(json: RawBuilder<unknown>, value: JsonScalar): RawBuilder<boolean> {
  if (value === null) return sql<boolean>`json_type(${json}) = 'null'`
  if (typeof value === 'string')
    return sql<boolean>`(json_type(${json}) = 'string' and json_value(${json}) = ${lit(value)})`
  if (typeof value === 'boolean') {
    return sql<boolean>`(json_type(${json}) = 'boolean' and json_value(${json}) = ${sql.raw(`'${value}'`)})`
  }
  // Compared as doubles, like every JSON reader in JavaScript; String(n) round-trips exactly.
  return sql<boolean>`(json_type(${json}) = 'number' and safe_cast(json_value(${json}) as float64) = cast(${lit(String(value))} as float64))`
}

/** Every key present with an equal JSON value; never NULL. */
function matchSql(element: RawBuilder<unknown>, match: JsonMatch): RawBuilder<boolean> {
  const tests = matchEntries(match).map(([key, value]) => equalsScalar(member(element, key), value))
  return sql<boolean>`coalesce(${sql.join(tests, sql` and `)}, false)`
}

/** The elements of a JSON array with their offsets; none for NULL or a non-array. */
const elements = (array: Expression<unknown>) => sql`unnest(json_query_array(${array})) as e with offset as i`
const value = sql.ref('e')

/** An ARRAY<JSON> subquery as one JSON array value; `[]` when it has no rows. */
const toJsonArray = <T>(subquery: RawBuilder<unknown>) => sql<T[]>`to_json(array(${subquery}))`

/**
 * Slices in one pass over the elements, like the postgres engine: window columns say whether the
 * start match has been seen and whether the end match came before this element.
 */
function sliceSql(array: Expression<unknown>, start?: SliceStart, end?: SliceEnd): RawBuilder<unknown[]> {
  const columns: RawBuilder<unknown>[] = [sql`e`, sql`i`, sql`count(*) over () as n`]
  const where: RawBuilder<unknown>[] = [sql`true`]
  if (start && 'index' in start) {
    where.push(start.index >= 0 ? sql`s.i >= ${sql.lit(start.index)}` : sql`s.i >= s.n + (${sql.lit(start.index)})`)
  } else if (start) {
    columns.push(sql`logical_or(${matchSql(value, start.firstMatch)}) over (order by i) as started`)
    where.push(sql`s.started`)
  }
  if (end && 'index' in end) {
    where.push(end.index >= 0 ? sql`s.i < ${sql.lit(end.index)}` : sql`s.i < s.n + (${sql.lit(end.index)})`)
  } else if (end) {
    const m = matchSql(value, end.throughFirstMatch)
    columns.push(sql`logical_or(${m}) over () as has_end`)
    columns.push(sql`logical_or(${m}) over (order by i rows between unbounded preceding and 1 preceding) as ended`)
    where.push(sql`s.has_end and not coalesce(s.ended, false)`)
  }
  return toJsonArray(
    sql`select s.e from (select ${sql.join(columns)} from ${elements(array)}) as s where ${sql.join(where, sql` and `)} order by s.i`,
  )
}

/** A JSON value as text the way Postgres' ->> gives it: strings unquoted, JSON null as NULL. */
const jsonText = (json: Expression<unknown>) =>
  sql<
    string | null
  >`(select if(json_type(x) = 'string', json_value(x), nullif(to_json_string(x), 'null')) from unnest([${json}]) as x)`

/** Whole calendar units between two timestamps' UTC dates: Monday (ISO) weeks. */
function calendarUnitsBetween(start: Expression<unknown>, end: Expression<unknown>, unit: CalendarUnit) {
  const part = { day: 'day', week: 'isoweek', month: 'month', year: 'year' }[checkCalendarUnit(unit)]
  return sql<number>`date_diff(date(${end}, 'UTC'), date(${start}, 'UTC'), ${sql.raw(part)})`
}

/**
 * BigQuery (GoogleSQL). JSON values are of the JSON type: operators take and return JSON, and
 * `parseJson` turns a `value` column holding JSON text (STRING, as Objectiv's BigQuery tables
 * store it) or JSON into JSON. GoogleSQL cannot GROUP BY, PARTITION BY or ORDER BY a JSON value or
 * GROUP BY an expression holding a subquery: models group keys through `groupKey`, by their text. Members are read by subscript (`value['key']`), so keys need no JSONPath escaping;
 * matches compare typed JSON values. Time buckets use FORMAT_TIMESTAMP in UTC.
 */
export const bigquery: Engine = {
  name: 'bigquery',
  // A window with no PARTITION BY runs on one worker: "Resources exceeded" on a large table.
  sessionIds: 'daily',

  tables: bigqueryTables,

  catalog: bigqueryCatalog,

  sqlFormatterLanguage: 'bigquery',

  quoteString: quoteBigQueryString,

  jsonElement: <T>(array: Expression<unknown>, index: number) =>
    index >= 0
      ? sql<T | null>`json_query_array(${array})[safe_offset(${sql.lit(index)})]`
      : sql<T | null>`array_reverse(json_query_array(${array}))[safe_offset(${sql.lit(-index - 1)})]`,

  jsonLength: (array) => sql<number>`coalesce(array_length(json_query_array(${array})), 0)`,

  jsonSlice: <T>(array: Expression<unknown>, bounds: { start?: SliceStart; end?: SliceEnd }) =>
    sliceSql(array, bounds.start, bounds.end) as RawBuilder<T[]>,

  jsonFilter: <T>(array: Expression<unknown>, match: JsonMatch) =>
    toJsonArray<T>(sql`select e from ${elements(array)} where ${matchSql(value, match)} order by i`),

  jsonSome: (array, match) => sql<boolean>`exists (select 1 from ${elements(array)} where ${matchSql(value, match)})`,

  jsonPick: <T>(array: Expression<unknown>, keys: readonly string[]) => {
    const unique = [...new Set(keys)]
    const fields = unique.map((key) => sql`${lit(key)}, ${member(value, key)}`)
    return toJsonArray<T>(sql`select json_object(${sql.join(fields)}) from ${elements(array)} order by i`)
  },

  jsonIncludesString: (array, text) =>
    sql<boolean>`exists (select 1 from ${elements(array)} where ${equalsScalar(value, text)})`,

  jsonFieldText: (object, key) => jsonText(member(object, key)),

  jsonField: <T>(object: Expression<unknown>, key: string) => sql<T | null>`${member(object, key)}`,

  niceName: (stack) => {
    // 'WebDocumentContext' → 'Web Document'; an element without id is named by its type alone.
    const text = (key: string) => sql`json_value(${member(value, key)})`
    const type = sql`regexp_replace(regexp_replace(coalesce(${text('_type')}, ''), r'([a-z])([A-Z])', r'\\1 \\2'), r' Context$', '')`
    const label = sql`concat(${type}, coalesce(concat(': ', ${text('id')}), ''))`
    return sql<
      string | null
    >`(select concat(max(if(s.i = s.n - 1, s.label, null)), coalesce(concat(' located at ', string_agg(if(s.i < s.n - 1, s.label, null), ' => ' order by s.i)), '')) from (select i, count(*) over () as n, ${label} as label from ${elements(stack)}) as s)`
  },

  // GoogleSQL compares STRING by UTF-8 bytes, which is code point order.
  codePointOrder: (text) => sql<string | null>`(${text})`,

  // BigQuery evaluates each expression of a subquery once per row; nothing to prevent.
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  computedOnce: <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => query,

  // BigQuery does not keep a subquery's order, nor plan by it.
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  inWindowOrder: <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => query,

  // Takes JSON text (STRING) or JSON alike, without knowing which: to_json_string gives '"{…}"' for
  // text (a JSON string, whose value is parsed) and '{…}' for an object or array (kept as it is).
  // Text that is not JSON fails the query (PARSE_JSON's error), never reads as an event of NULLs.
  parseJson: (value) =>
    sql`(select if(json_type(j) = 'string', parse_json(json_value(j), wide_number_mode => 'round'), j) from unnest([parse_json(to_json_string(${value}), wide_number_mode => 'round')]) as j)`,

  jsonText: (json) => sql<string | null>`to_json_string(${json})`,

  jsonArrayOrEmpty: <T>(array: Expression<unknown>) => sql<T[]>`coalesce(${array}, json '[]')`,

  // BigQuery arrays cannot hold NULL: without IGNORE NULLS a NULL value is an error.
  collect: <T>(value: Expression<T>) => sql<T[] | null>`array_agg(${value} ignore nulls)`,

  date: (day) => sql<string>`cast(${day} as date)`,

  toText: (scalar) => sql<string>`cast(${scalar} as string)`,

  // DATETIME gives the zone's wall clock; TIMESTAMP reads it back as UTC.
  localTime: (instant, timeZone) => {
    const zone = checkTimeZone('timeZone', timeZone)
    return zone === DEFAULT_TIME_ZONE ? sql<Date>`${instant}` : sql<Date>`timestamp(datetime(${instant}, ${lit(zone)}))`
  },

  timeFormat: (timestamp, format) => {
    const pieces = formatTimestampPieces(format).map((piece) =>
      'format' in piece
        ? sql`format_timestamp(${lit(piece.format)}, ${timestamp}, 'UTC')`
        : sql`substr(format_timestamp('%E6S', ${timestamp}, 'UTC'), 4)`,
    )
    return pieces.length === 1 ? (pieces[0] as RawBuilder<string>) : sql<string>`concat(${sql.join(pieces)})`
  },

  epochSecondsBetween: (start, end) => sql<number>`(timestamp_diff(${end}, ${start}, microsecond) / 1000000)`,

  withinSeconds: (start, end, seconds) =>
    sql<boolean>`timestamp_diff(${end}, ${start}, microsecond) <= ${sql.lit(wholeSeconds(seconds) * 1_000_000)}`,

  truncateTime: (timestamp, unit) => {
    const part = { day: 'day', week: 'isoweek', month: 'month', year: 'year' }[checkCalendarUnit(unit)]
    return sql<Date>`timestamp_trunc(${timestamp}, ${sql.raw(part)}, 'UTC')`
  },

  // Truncating a TIMESTAMP is already a cheap step of its own.
  periodKey: (timestamp, unit) => bigquery.truncateTime(timestamp, unit),

  // Timestamp arrays step by fixed intervals only; months and years step over UTC dates.
  periodStarts: (first, last, unit) => {
    const checked = checkCalendarUnit(unit)
    if (checked === 'day' || checked === 'week') {
      const step = checked === 'day' ? sql`interval 1 day` : sql`interval 7 day`
      return sql<Date>`unnest(generate_timestamp_array(${first}, ${last}, ${step}))`
    }
    const dates = sql`generate_date_array(date(${first}, 'UTC'), date(${last}, 'UTC'), interval 1 ${sql.raw(checked)})`
    return sql<Date>`unnest(array(select timestamp(d, 'UTC') from unnest(${dates}) as d))`
  },

  calendarUnitsBetween: (start, end, unit) => calendarUnitsBetween(start, end, unit),

  // Starts are UTC timestamps like any other: the date difference costs the same.
  startsBetween: (start, end, unit) => calendarUnitsBetween(start, end, unit),

  dayStart: (day) => sql<Date>`timestamp(cast(${day} as date), 'UTC')`,

  dayOf: (timestamp) => sql<string>`date(${timestamp}, 'UTC')`,

  epochDay: (timestamp) => sql<number>`unix_date(date(${timestamp}, 'UTC'))`,

  firstRecordField: (records, field) => sql`${records}[safe_offset(0)].${sql.id(field)}`,

  recordsAsJson: <T>(records: Expression<unknown>, add: Readonly<Record<string, string>>) => {
    const members = Object.entries(add).map(([key, text]) => sql`${lit(text)} as ${sql.id(key)}`)
    return toJsonArray<T>(
      sql`select as struct ${sql.join([...members, sql`r.*`])} from unnest(${records}) as r with offset as o order by o`,
    )
  },

  // JSON cannot be grouped: group by its text (and NULL apart from JSON null), select any value of the group.
  groupKey: (value) => ({
    groupBy: [sql`(${value}) is null`, sql`to_json_string(${value})`],
    select: sql`any_value(${value})`,
  }),

  toFloat: (value) => sql<number>`cast(${value} as float64)`,

  seededHash: (value, seed) =>
    sql<number>`farm_fingerprint(concat(cast(${seed} as string), ':', cast(${value} as string)))`,

  // Results come through our own driver (toJsValue): INT64 and NUMERIC as numbers (exact bigint or
  // text only beyond what a number holds, which counts never reach), DATE as 'YYYY-MM-DD', TIMESTAMP
  // (an instant) as a Date. Nothing to convert in SQL.
  outputNumber: (value) => sql<number>`${value}`,
  outputDay: (day) => sql<string>`${day}`,
  outputInstant: (timestamp) => sql<Date>`${timestamp}`,
  outputText: (value) => sql<string>`cast(${value} as string)`,
}
