import type { Expression, Kysely, RawBuilder, SelectQueryBuilder } from 'kysely'
import type { CalendarUnit } from './calendar-unit.ts'
import type { JsonMatch } from './json-match.ts'
import type { TimeFormat } from './time-format.ts'

/** Where a slice starts: an index (negative counts from the end) or the first matching element. */
export type SliceStart = { readonly index: number } | { readonly firstMatch: JsonMatch }

/** Where a slice ends: before an index (negative counts from the end) or just after the first match. */
export type SliceEnd = { readonly index: number } | { readonly throughFirstMatch: JsonMatch }

/** How an engine names tables: which names a model hub reads by default and which it accepts. */
export interface EngineTables {
  /** The events table a model hub reads when given no `table` option (`data`, `events`). */
  readonly defaultName: string
  /**
   * One example table name for each number of dot-separated parts the engine accepts, fewest parts
   * first: `['data', 'schema.data']`. The `table` option is checked against them and its error
   * shows them.
   */
  readonly shapes: readonly string[]
  /**
   * Why the engine would not keep a name exactly (a part of a table name, a column name), or
   * undefined when it would. E.g. Postgres silently shortens names over 63 bytes, so two long
   * names could mean one table.
   */
  nameProblem(name: string): string | undefined
  /**
   * Whether releasing a connection ends its temporary tables (a BigQuery session ends with it). The
   * hub then drops none itself: there an unqualified DROP could name a dataset's table of the same name.
   */
  readonly temporaryEndWithConnection: boolean
}

/** What the database's catalog tells about a table, each answer in one query. */
export interface EngineCatalog {
  /**
   * The columns of a table (a name or a dotted path, as the hub reads it), in order; undefined
   * when no such table is visible to the connection.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the hub's Kysely is over the user's database, whatever its tables
  tableColumns(db: Kysely<any>, table: string): Promise<readonly string[] | undefined>
}

/**
 * How `session_id` numbers sessions (docs/semantics.md §S2.1):
 * - 'sequential': 1, 2, 3… over the whole selection in order of each session's first event, as
 *   Objectiv does. It takes one window over every event with no PARTITION BY.
 * - 'daily': the UTC day of the session's first event (days since 1970-01-01) × 10⁹ + the session's
 *   number within that day. Still unique and in the same order, from windows partitioned by day.
 */
export type SessionIds = 'sequential' | 'daily'

export const SESSION_IDS: readonly SessionIds[] = ['sequential', 'daily']

/**
 * Everything whose SQL differs between databases. Models and operators build SQL only through
 * an engine, so one model compiles for every engine; each engine has the same signatures.
 *
 * JSON arrays follow one rule everywhere: a NULL array behaves as an empty array (slices give
 * `[]`, lengths 0, `some` false), and element access out of range gives NULL.
 */
export interface Engine {
  /** The engine's name, for messages and logs. Models never branch on it: each difference is a member here. */
  readonly name: string
  /**
   * The session numbering a hub uses unless told otherwise: 'sequential' where one sort of every
   * event is affordable (a single server), 'daily' where a window without PARTITION BY runs on one
   * worker and fails at scale (BigQuery).
   */
  readonly sessionIds: SessionIds

  /** Table names: the default one, the accepted shapes, names the engine would not keep exactly. */
  readonly tables: EngineTables
  /** Catalog queries, such as a table's columns for `hub.check()`. */
  readonly catalog: EngineCatalog
  /**
   * sql-formatter's language for this engine's SQL (`postgresql`, `bigquery`), used by `toSql`; a
   * language sql-formatter does not know formats as generic `sql`.
   */
  readonly sqlFormatterLanguage: string

  /**
   * The one audited way a string becomes SQL text: a complete, quoted string literal. Rejects
   * text no engine can store (NUL, lone surrogates). Used where SQL needs a literal rather than
   * a parameter, so equal expressions stay equal (GROUP BY) and JSON keys can be paths.
   */
  quoteString(value: string): string

  /** Element `index` of a JSON array (negative counts from the end), as JSON; NULL when out of range. */
  jsonElement<T>(array: Expression<unknown>, index: number): RawBuilder<T | null>
  /** Number of elements of a JSON array; 0 for NULL. */
  jsonLength(array: Expression<unknown>): RawBuilder<number>
  /** Elements from `start` (inclusive) to `end`, in order; `[]` when none or for NULL. */
  jsonSlice<T>(array: Expression<unknown>, bounds: { start?: SliceStart; end?: SliceEnd }): RawBuilder<T[]>
  /** The elements matching, in order; `[]` when none. */
  jsonFilter<T>(array: Expression<unknown>, match: JsonMatch): RawBuilder<T[]>
  /** Whether any element matches; false for NULL or `[]`. */
  jsonSome(array: Expression<unknown>, match: JsonMatch): RawBuilder<boolean>
  /** Each object reduced to the given keys (missing ones as JSON null), in order; `[]` for NULL. */
  jsonPick<T>(array: Expression<unknown>, keys: readonly string[]): RawBuilder<T[]>
  /** Whether a JSON array of strings holds `value`; false for NULL. */
  jsonIncludesString(array: Expression<unknown>, value: string): RawBuilder<boolean>
  /** A member of a JSON object as text (strings unquoted, JSON escapes decoded); NULL when missing. */
  jsonFieldText(object: Expression<unknown>, key: string): RawBuilder<string | null>
  /** A member of a JSON object as JSON; NULL when missing. */
  jsonField<T>(object: Expression<unknown>, key: string): RawBuilder<T | null>

  /**
   * The readable name of a location stack: `'Link: docs located at Web Document: #document =>
   * Section: main'`. NULL for an empty or NULL stack.
   */
  niceName(stack: Expression<unknown>): RawBuilder<string | null>
  /**
   * Text compared by Unicode code point (UTF-8 byte order) whatever the database's collation, for
   * tie-breaks and sort orders that must give the same answer on every engine and locale.
   */
  codePointOrder(text: Expression<string | null>): RawBuilder<string | null>

  /** A text or JSON column parsed as JSON once, for reading several fields (a no-op on parsed JSON). */
  parseJson(value: Expression<unknown>): RawBuilder<unknown>
  /**
   * JSON as its text: a key to group JSON values by, text being cheaper to hash than Postgres's
   * jsonb, and the only way on BigQuery. Equal text means equal JSON; equal JSON can differ in
   * text (1.0 and 1.00), so one value's rows may fall in two groups. SQL NULL gives NULL or 'null'.
   */
  jsonText(json: Expression<unknown>): RawBuilder<string | null>
  /**
   * Keeps a subquery from being merged into the query around it, so the expressions it selects
   * are computed once per row however often they are read (Postgres re-evaluates them per use
   * once it flattens a subquery). Unread columns are still dropped.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  computedOnce<Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q
  /**
   * A grouping stage asked for its rows in the order of the window that reads them (`order`, an
   * ORDER BY in a subquery, which no answer relies on). Postgres then sorts in its parallel workers
   * and groups the sorted rows, where it would hash them in one process and sort them again for
   * the window. Engines that gain nothing from it return the query as it is.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any select query; it comes back with its own type
  inWindowOrder<Q extends SelectQueryBuilder<any, any, any>>(query: Q, order: (query: Q) => Q): Q
  /** The array, or an empty array where it is NULL. */
  jsonArrayOrEmpty<T>(array: Expression<unknown>): RawBuilder<T[]>
  /**
   * An aggregate: the group's non-NULL values as an array (NULL or empty when there are none), for
   * `unnest(…)` in a later FROM (a table function on both engines, its column named by its alias).
   */
  collect<T>(value: Expression<T>): RawBuilder<T[] | null>
  /** A 'YYYY-MM-DD' day as a date value (bound as a parameter). */
  date(day: string): RawBuilder<string>
  /** Any scalar (uuid, number, …) as text. */
  toText(value: Expression<unknown>): RawBuilder<string>

  // Time functions take an instant: a timestamp holding UTC, or a timestamp with time zone (as
  // `outputInstant` gives), read in UTC whatever the session's time zone.

  /**
   * The wall-clock time of an instant in an IANA time zone (checked by checkTimeZone), as a timestamp
   * holding that local time read as UTC: the time functions below then give local days, weeks, months
   * and labels, daylight-saving changes included. For 'UTC' the instant itself, its SQL unchanged.
   * Durations (epochSecondsBetween) must take the instants, not these.
   */
  localTime(instant: Expression<unknown>, timeZone: string): RawBuilder<Date>
  /** A UTC timestamp formatted with a parsed strftime format. */
  timeFormat(timestamp: Expression<unknown>, format: TimeFormat): RawBuilder<string>
  /** Seconds from `start` to `end` (negative when end is earlier), with sub-second precision. */
  epochSecondsBetween(start: Expression<unknown>, end: Expression<unknown>): RawBuilder<number>
  /**
   * Whether `end` is at most `seconds` (a whole number) after `start`; NULL when either is NULL.
   * Compared as the engine's own durations: a session gap is tested once per event, and a number
   * of seconds costs more to compute (Postgres's extract(epoch) is numeric).
   */
  withinSeconds(start: Expression<unknown>, end: Expression<unknown>, seconds: number): RawBuilder<boolean>
  /** The start (00:00 UTC) of the day, Monday-start week, month or year holding `timestamp`. */
  truncateTime(timestamp: Expression<unknown>, unit: CalendarUnit): RawBuilder<Date>
  /**
   * A key naming the `unit` holding `timestamp`, for grouping and comparing: equal within one
   * period, ordered as the periods. It may be of the timestamp's own SQL type rather than a UTC
   * timestamp (Postgres bins days and weeks with date_bin, which converts nothing), so compare it
   * only with keys of the same column, and name it with timeFormat or truncateTime, which read
   * either. truncateTime is a correct implementation.
   */
  periodKey(timestamp: Expression<unknown>, unit: CalendarUnit): RawBuilder<Date>
  /**
   * Whole calendar units from `start` to `end` in UTC: how many day, week (Monday-start), month or
   * year boundaries lie between them, negative when end is earlier. 23:00 → 01:00 the next day is
   * 1 day; Sunday → Monday is 1 week; Dec 31 → Jan 1 is 1 month and 1 year.
   */
  calendarUnitsBetween(start: Expression<unknown>, end: Expression<unknown>, unit: CalendarUnit): RawBuilder<number>
  /**
   * calendarUnitsBetween for two starts of a unit, as truncateTime (or localTime and truncateTime)
   * gives them: timestamps holding a wall-clock time, read as they are. Retention and lifecycle
   * count periods between such starts once per user and period, where converting each again
   * would cost more than the count.
   */
  startsBetween(start: Expression<unknown>, end: Expression<unknown>, unit: CalendarUnit): RawBuilder<number>
  /**
   * The starts of every `unit` from `first` to `last` (both starts of a unit, as truncateTime gives
   * them), as a table function for FROM: aliased, its one column has the alias's name. It may read
   * columns of the FROM items before it, giving each of their rows its own series.
   */
  periodStarts(first: Expression<unknown>, last: Expression<unknown>, unit: CalendarUnit): RawBuilder<Date>

  /** 00:00 UTC of a 'YYYY-MM-DD' day as a timestamp (bound as a parameter), for range predicates. */
  dayStart(day: string): RawBuilder<Date>
  /** The UTC calendar day holding a timestamp, as a date. */
  dayOf(timestamp: Expression<unknown>): RawBuilder<string>
  /** The UTC calendar day holding a timestamp, as whole days since 1970-01-01 (an integer). */
  epochDay(timestamp: Expression<unknown>): RawBuilder<number>
  /**
   * Field `field` of the first record of a REPEATED RECORD (`ARRAY<STRUCT>`) column, as Snowplow's
   * BigQuery loader writes contexts; NULL when the array is empty or NULL. Engines without such
   * columns throw a ModelHubInputError.
   */
  firstRecordField(records: Expression<unknown>, field: string): RawBuilder<unknown>
  /**
   * A REPEATED RECORD column as a JSON array of objects, in order, each object also holding the
   * constant string members of `add` (e.g. `{ _type: 'ApplicationContext' }`); `[]` for NULL.
   * Engines without such columns throw a ModelHubInputError.
   */
  recordsAsJson<T>(records: Expression<unknown>, add: Readonly<Record<string, string>>): RawBuilder<T[]>
  /** A number (integer, numeric or a parameter) as a double-precision float, for float arithmetic. */
  toFloat(value: Expression<unknown>): RawBuilder<number>
  /**
   * A 64-bit hash of a value's text mixed with an integer seed (bound as a parameter): a
   * deterministic, seeded shuffle order (e.g. cross-validation folds). The values differ between
   * engines; equal inputs give equal hashes on one engine.
   */
  seededHash(value: Expression<unknown>, seed: number): RawBuilder<number>

  // Result columns: each gives an output column the SQL type whose default parsing, by any driver for
  // the engine (pg, PGlite, …), is the declared JS type, whatever the connection's type parsers,
  // DateStyle or time zone. Applied where a result leaves a model, never to keys inside a query.

  /** A number (count, sum, ratio) that comes back as a JS number: not int8 or numeric, which pg reads as strings. */
  outputNumber(value: Expression<unknown>): RawBuilder<number>
  /** A calendar day that comes back as the string 'YYYY-MM-DD' (not a Date, whatever the DateStyle). */
  outputDay(day: Expression<unknown>): RawBuilder<string>
  /** An instant that comes back as the Date of that UTC instant, whatever the process or session time zone. */
  outputInstant(timestamp: Expression<unknown>): RawBuilder<Date>
  /** Text in SQL too (a uuid becomes its text), so it compares and joins with text columns. */
  outputText(value: Expression<unknown>): RawBuilder<string>

  /**
   * A grouping key that works for any value type: what to GROUP BY and what to select for the
   * key in the grouped query. Identity on Postgres; on BigQuery, which cannot group JSON values,
   * the key's JSON text (and whether it is NULL) is grouped and the value itself selected by
   * ANY_VALUE. Equal values, as the engine compares them, fall in one group.
   */
  groupKey(value: Expression<unknown>): {
    readonly groupBy: readonly Expression<unknown>[]
    readonly select: Expression<unknown>
  }
}
