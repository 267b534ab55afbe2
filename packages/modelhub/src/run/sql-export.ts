import { createRequire } from 'node:module'
import { type Engine, invalid, ModelHubInputError } from '@kysely-modelhub/core'
import {
  type Compilable,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PrimitiveValueListNode,
  RawNode,
  ValueListNode,
  type ValueNode,
} from 'kysely'
import type { SqlLanguage } from 'sql-formatter'

type SqlFormatter = typeof import('sql-formatter')
let formatter: SqlFormatter | undefined

/**
 * sql-formatter, loaded on the first formatted export rather than with the hub: it builds every
 * dialect's keywords as it loads (about 0.1 s and 90 modules), which each app, CLI run or serverless
 * start would otherwise pay without printing any SQL. `require` keeps `toSql` synchronous.
 */
function sqlFormatter(): SqlFormatter {
  formatter ??= createRequire(import.meta.url)('sql-formatter') as SqlFormatter
  return formatter
}

/** How {@link ModelHub.toSql} prints a query. */
export interface ToSqlOptions {
  /** Formatted over several lines with sql-formatter, in the engine's SQL dialect. Default true. */
  readonly pretty?: boolean
  /**
   * Every parameter written into the SQL as a literal, so the text runs as is in a BI tool or dbt.
   * Default false: the engine's placeholders (`$1`, …) stay and the values are not part of the text.
   */
  readonly inlineParameters?: boolean
}

/** A query whose SQL can be exported: any Kysely builder (select, raw `sql`, …). */
export type SqlExportable = Compilable & { withPlugin(plugin: KyselyPlugin): Compilable }

/** The sql-formatter language used for an engine's SQL: the engine's own, or generic SQL when sql-formatter does not know it. */
export function formatterLanguage(engine: Engine): SqlLanguage {
  const language = engine.sqlFormatterLanguage
  return sqlFormatter().supportedDialects.includes(language) ? (language as SqlLanguage) : 'sql'
}

/**
 * A parameter value as an SQL literal: strings (and Dates, as ISO text) through the engine's
 * audited `quoteString`; finite numbers and bigints printed, in parentheses when negative so a
 * preceding `-` cannot turn them into a comment; booleans; null. Anything else has no literal
 * every engine reads the same way, so it is an error rather than a guess.
 */
export function sqlLiteral(engine: Engine, value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return engine.quoteString(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : `${value}`
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid('inlined SQL parameter', value, 'only finite numbers have an SQL literal')
    return value < 0 ? `(${value})` : `${value}`
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) invalid('inlined SQL parameter', 'Invalid Date', 'expected a valid Date')
    return engine.quoteString(value.toISOString())
  }
  return invalid(
    'inlined SQL parameter',
    value,
    'only strings, numbers, bigints, booleans, null and Dates can be inlined; compare with a column or pass inlineParameters: false',
  )
}

/** Turns every value of a query's tree (parameters and Kysely's own immediate values) into a literal. */
class InlineParameters extends OperationNodeTransformer {
  readonly #engine: Engine

  constructor(engine: Engine) {
    super()
    this.#engine = engine
  }

  // A RawNode where a ValueNode was: the compiler appends its text and adds no parameter.
  protected override transformValue(node: ValueNode): ValueNode {
    return RawNode.createWithSql(sqlLiteral(this.#engine, node.value)) as unknown as ValueNode
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    const literals = node.values.map((value) => RawNode.createWithSql(sqlLiteral(this.#engine, value)))
    // The same for a list: a list of raw literals where the primitive values were.
    return ValueListNode.create(literals) as unknown as PrimitiveValueListNode
  }
}

/**
 * A plugin that inlines every parameter as a literal (see {@link sqlLiteral}). Install it last:
 * `q.withPlugin(inlineParametersPlugin(engine))`. Used for exported SQL and for views, whose
 * definition cannot hold parameters.
 */
export function inlineParametersPlugin(engine: Engine): KyselyPlugin {
  const transformer = new InlineParameters(engine)
  return {
    transformQuery: ({ node }) => transformer.transformNode(node),
    transformResult: async ({ result }) => result,
  }
}

/** The SQL of `q` with every parameter inlined; an error if any placeholder would remain. */
export function compileInlined(engine: Engine, q: SqlExportable): string {
  const compiled = q.withPlugin(inlineParametersPlugin(engine)).compile()
  if (compiled.parameters.length > 0) {
    // Only reachable if Kysely adds a new kind of parameter node: never export SQL missing values.
    throw new ModelHubInputError(
      `inlineParameters: ${compiled.parameters.length} parameter(s) could not be inlined; export with inlineParameters: false`,
    )
  }
  return compiled.sql
}

function formatSql(text: string, engine: Engine): string {
  const language = formatterLanguage(engine)
  try {
    return sqlFormatter().format(text, { language, tabWidth: 2, keywordCase: 'preserve' })
  } catch (error) {
    throw new ModelHubInputError(
      `toSql: sql-formatter (${language}) could not format the query: ${(error as Error).message}; pass pretty: false for the SQL as compiled`,
    )
  }
}

function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  return typeof value === 'boolean' ? value : invalid(`toSql option "${name}"`, value, 'expected true or false')
}

/**
 * The SQL of a query as text: formatted (default) and, with `inlineParameters`, complete with its
 * values so it runs as is elsewhere. Formatting only changes whitespace; the SQL is the one Kysely
 * compiled.
 *
 * @example
 * toSql(postgres, hub.agg.uniqueUsers(hub.events()), { inlineParameters: true })
 * // select\n  "result".*\nfrom\n  (\n    select ... count(distinct "user_id") ...
 */
export function toSql(engine: Engine, q: SqlExportable, options: ToSqlOptions = {}): string {
  const pretty = checkFlag('pretty', options.pretty, true)
  const inline = checkFlag('inlineParameters', options.inlineParameters, false)
  const text = inline ? compileInlined(engine, q) : q.compile().sql
  return pretty ? formatSql(text, engine) : text
}

/**
 * A query as a fenced markdown block of SQL, for notebooks and reports (Objectiv's
 * `display_sql_as_markdown`). With a hub the SQL is formatted for its engine with every parameter
 * inlined; without one it is formatted as generic SQL with its placeholders. The fence is longer
 * than any run of backticks in the SQL, so a string literal cannot close it.
 *
 * @example displaySqlAsMarkdown(hub.agg.uniqueUsers(newUsers), hub) // a fenced sql block, parameters inlined
 */
export function displaySqlAsMarkdown(q: SqlExportable, hub?: { readonly engine: Engine }): string {
  const text = hub ? toSql(hub.engine, q, { inlineParameters: true }) : formatGeneric(q.compile().sql)
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}sql\n${text}\n${fence}`
}

/** Display only: SQL the generic formatter cannot read is shown as compiled rather than not at all. */
function formatGeneric(text: string): string {
  try {
    return sqlFormatter().format(text, { language: 'sql', tabWidth: 2, keywordCase: 'preserve' })
  } catch {
    return text
  }
}
