import {
  type Engine,
  type GlobalContext,
  type GlobalContexts,
  globalContexts,
  type LocationContext,
  type LocationStack,
  locationStack,
  type SessionIds,
} from '@kysely-modelhub/core'
import type { Expression, Kysely, SelectQueryBuilder } from 'kysely'
import { AggModels } from '../agg/agg-models.ts'
import type { AggregateQuery } from '../agg/aggregate-query.ts'
import { checkDayWindow } from '../checks/dates.ts'
import { EVENTS_WINDOW, EXECUTE, MATERIALIZE, TO_SQL } from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import { checkTableName } from '../checks/table-name.ts'
import { FunnelModels } from '../funnel/funnel-models.ts'
import { MapModels } from '../map/map-models.ts'
import { MlModels } from '../ml/ml-models.ts'
import { eventsPipeline, pipelineColumns } from '../pipeline/events.ts'
import type { EventRow } from '../pipeline/objectiv-event.ts'
import { type DivideCheck, divide, type Quotient } from '../results/divide.ts'
import { connectHub, type HubConnection, sameScope, withHeldConnection } from '../run/connection-scope.ts'
import { type ExecuteOptions, executeWithSignal, type RunnableQuery } from '../run/execute-with-signal.ts'
import { type MaterializedQuery, type MaterializeOptions, materialize } from '../run/materialize.ts'
import { checkSource } from '../run/source-check.ts'
import { type SqlExportable, type ToSqlOptions, toSql } from '../run/sql-export.ts'
import { readableSqlPlugin } from '../sql-shape/readable-sql-plugin.ts'
import type { AnyKysely, AnyQuery } from './any-query.ts'
import { type ConversionEvent, type ConversionEventDefinition, defineConversion } from './conversions.ts'
import type { HubContext } from './hub-context.ts'
import { hubEngine } from './hub-kysely.ts'
import { type ModelHubOptionsInput, type ModelHubSettings, parseModelHubOptions } from './options.ts'

/** How many day windows' events() a hub keeps built; past that it starts again. */
const EVENTS_KEPT = 16

/**
 * What `hub.events()` returns: an ordinary Kysely query over the `events` source, joinable with the
 * app's tables. The source replaces an app table of the same name (`Omit`), so the app's own
 * `events` table never changes the hub's columns.
 */
export type EventsQuery<DB, G extends string> = SelectQueryBuilder<
  Omit<DB, 'events'> & { events: EventRow<G> },
  'events',
  EventRow<G>
>

/**
 * The open model hub on a Kysely: Objectiv events as a typed query, and the models over them.
 *
 * @example
 * const hub = new ModelHub(db, { timeAggregation: '%Y-%m-%d', globalContexts: ['application'] })
 * const events = await hub.events({ startDate: '2022-03-01' }).where('event_type', '=', 'PressEvent').execute()
 */
export class ModelHub<DB, const G extends readonly string[] = readonly [], C extends string = never> {
  readonly db: Kysely<DB>
  readonly engine: Engine
  /** Map helpers: each adds one column to a query over events. */
  readonly map: MapModels<C>
  /** Aggregation models: each turns a query over events into a query over its results. */
  readonly agg: AggModels<C>
  /** Funnel discovery: navigation paths, ordered-step funnels and Sankey links. */
  readonly funnel: FunnelModels<C>
  /** Machine learning: logistic regression fitted in the database, feature importance. */
  get ml(): MlModels<C> {
    return new MlModels<C>(this.context)
  }
  readonly #conversions: ReadonlyMap<string, ConversionEvent>
  readonly settings: Readonly<Omit<ModelHubSettings, 'table' | 'globalContexts' | 'sessionIds'>> & {
    readonly table: string
    readonly globalContexts: G
    /** The option given, else the engine's safe default (Engine.sessionIds). */
    readonly sessionIds: SessionIds
  }

  constructor(
    db: Kysely<DB>,
    options: ModelHubOptionsInput<G> = {},
    conversions?: ReadonlyMap<string, ConversionEvent>,
  ) {
    const settings = parseModelHubOptions(options)
    const engine = hubEngine(db as AnyKysely, settings.engine)
    this.db = db
    this.engine = engine
    this.settings = Object.freeze({
      ...settings,
      table: checkTableName(settings.table ?? engine.tables.defaultName, engine),
      // The names parsed from options are the G the caller typed them as.
      globalContexts: settings.globalContexts as unknown as G,
      sessionIds: settings.sessionIds ?? engine.sessionIds,
    })
    this.#options = options
    // Every query the hub builds is shaped by this plugin, so the SQL it runs is the SQL toSql exports.
    this.#queries = (db as AnyKysely).withPlugin(readableSqlPlugin())
    sameScope(this.#queries, db as AnyKysely)
    this.#conversions = conversions ?? new Map()
    this.map = new MapModels<C>(this.context)
    this.agg = new AggModels<C>(this.context)
    this.funnel = new FunnelModels<C>(this.context)
  }

  readonly #options: ModelHubOptionsInput<G>
  /** events() per day window, as built (a few windows are kept; see EVENTS_KEPT). */
  readonly #events = new Map<string, EventsQuery<DB, G[number]>>()
  /** The Kysely the hub builds its queries on: `db` with the readable-SQL plugin. */
  readonly #queries: AnyKysely

  /** What the models read: the Kysely, the engine, the time bucket and the conversions. */
  get context(): HubContext {
    return {
      db: this.#queries,
      engine: this.engine,
      timeAggregation: this.settings.timeAggregation,
      timeZone: this.settings.timeZone,
      conversions: this.#conversions,
    }
  }

  /** The conversion names this hub knows. */
  get conversionNames(): C[] {
    return [...this.#conversions.keys()] as C[]
  }

  /**
   * A new hub that also knows a conversion event; its name is then accepted by the conversion
   * models (and any other name is a compile error). Redefining a name replaces it.
   *
   * @example hub.addConversionEvent({ name: 'quickstart_presses', eventType: 'PressEvent',
   *   locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }) })
   */
  addConversionEvent<const N extends string>(definition: ConversionEventDefinition<N>): ModelHub<DB, G, C | N> {
    const conversion = defineConversion(definition, this.engine)
    const conversions = new Map(this.#conversions).set(conversion.name, conversion)
    return new ModelHub<DB, G, C | N>(this.db, this.#options, conversions)
  }

  /** Location-stack operators on an expression: `hub.ls(eb.ref('location_stack')).niceName()`. */
  ls(expression: Expression<readonly LocationContext[] | null>): LocationStack<LocationContext> {
    return locationStack(expression, this.engine)
  }

  /** Global-context operators on a context column: `hub.gc(eb.ref('application')).get('id')`. */
  gc(expression: Expression<readonly GlobalContext[] | null>): GlobalContexts {
    return globalContexts(expression, this.engine)
  }

  /**
   * The events between two days of the hub's time zone (both inclusive, 'YYYY-MM-DD'), sessionized,
   * with one column per requested global context. Sessions are numbered within this window.
   */
  events(window: { startDate?: string; endDate?: string } = {}): EventsQuery<DB, G[number]> {
    checkOptions('hub.events', window, EVENTS_WINDOW)
    const days = checkDayWindow(window)
    // A query is immutable and the hub too, so each window's pipeline is built once: building it
    // was a quarter of the cost of building and compiling a model.
    const key = `${days.startDate ?? ''}/${days.endDate ?? ''}`
    const built = this.#events.get(key)
    if (built) return built
    const db = this.#queries
    const pipeline = eventsPipeline(db, this.engine, {
      ...this.settings,
      ...days,
      conversions: [...this.#conversions.values()],
    })
    // The documented columns by name: the session keys stay inside, for the models (session-keys.ts).
    const columns = pipelineColumns(this.settings.globalContexts).map((c) => `events.${c}` as const)
    // The columns depend on the hub's global contexts, known at run time: EventsQuery states them.
    const events = db.selectFrom(pipeline.as('events')).select(columns) as unknown as EventsQuery<DB, G[number]>
    if (this.#events.size >= EVENTS_KEPT) this.#events.clear()
    this.#events.set(key, events)
    return events
  }

  // ── composition (results/), SQL, materialization and held connections (run/) ──

  /**
   * `a / b` for two aggregates aligned on their shared key columns (one FULL OUTER JOIN): the value
   * column of `a` divided by that of `b`, NULL where either side is missing or `b` is 0.
   *
   * @example hub.divide(hub.agg.uniqueUsers(newUsers), hub.agg.uniqueUsers(hub.events())) // new-user share
   */
  divide<RA, RB>(a: AnyQuery<RA>, b: AnyQuery<RB> & DivideCheck<RA, RB>): AggregateQuery<Quotient<RA, RB>> {
    return divide(this.context, a, b)
  }

  /**
   * Checks, with one catalog query, that the table exists and has the columns this hub reads;
   * a ModelHubInputError names what is missing. Models never run it themselves.
   */
  check(): Promise<void> {
    return checkSource(this.context, this.settings)
  }

  /**
   * Runs a query, cancelling it on the database when `timeoutMs` passes or `signal` aborts
   * (QueryCancelledError); see {@link executeWithSignal} for what each engine can cancel.
   *
   * @example await hub.execute(hub.agg.uniqueUsers(hub.events()), { timeoutMs: 30_000 })
   */
  execute<O>(q: RunnableQuery<O>, options: ExecuteOptions = {}): Promise<O[]> {
    checkOptions('hub.execute', options, EXECUTE)
    return executeWithSignal(this.db as AnyKysely, q, options)
  }

  /**
   * The SQL of a query: formatted for this hub's engine, optionally with its parameters inlined.
   *
   * @example console.log(hub.toSql(hub.agg.uniqueUsers(hub.events()), { inlineParameters: true }))
   */
  toSql(q: SqlExportable, options: ToSqlOptions = {}): string {
    checkOptions('hub.toSql', options, TO_SQL)
    return toSql(this.engine, q, options)
  }

  /**
   * Keeps the rows of `q` in a CTE, table, view or temporary table and returns a query over them
   * with the same row type. Temporary tables need one connection: use the hub given by
   * {@link withConnection} or {@link connect}.
   */
  materialize<O, const N extends string = 'materialized'>(
    q: AnyQuery<O>,
    options: MaterializeOptions<N>,
  ): Promise<MaterializedQuery<O, N>> {
    checkOptions('hub.materialize', options, MATERIALIZE)
    return materialize(this.context, q, options)
  }

  /**
   * Runs `fn` with a copy of this hub bound to one connection of the pool, and gives the
   * connection back when `fn` settles, after dropping the temporary tables made through the copy.
   * Use the copy (not this hub) inside: on a single-connection driver such as PGlite a query
   * through this hub waits for the connection the copy holds.
   *
   * @example
   * const share = await hub.withConnection(async (h) => {
   *   const events = await h.materialize(h.events(), { kind: 'temp_table' })
   *   return h.divide(h.agg.uniqueUsers(h.map.isNewUser(events).where('is_new_user', '=', true)), h.agg.uniqueUsers(events)).execute()
   * })
   */
  withConnection<T>(fn: (hub: ModelHub<DB, G, C>) => Promise<T> | T): Promise<T> {
    return withHeldConnection(this.db, this.engine, (db) => this.#boundTo(db), fn)
  }

  /** {@link withConnection} as a handle, for notebooks: `const c = await hub.connect(); …; await c.release()`. */
  connect(): Promise<HubConnection<ModelHub<DB, G, C>>> {
    return connectHub(this.db, this.engine, (db) => this.#boundTo(db))
  }

  /** This hub on another Kysely (the same database): same options, conversions and engine. */
  #boundTo(db: Kysely<DB>): ModelHub<DB, G, C> {
    return db === this.db
      ? this
      : new ModelHub<DB, G, C>(db, { ...this.#options, engine: this.engine }, this.#conversions)
  }
}
