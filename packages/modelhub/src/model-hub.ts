import {
  type Engine,
  engineOf,
  type GlobalContext,
  type GlobalContexts,
  globalContexts,
  type LocationContext,
  type LocationStack,
  locationStack,
} from '@kysely-modelhub/core'
import type { Expression, Kysely, SelectQueryBuilder } from 'kysely'
import { AggModels } from './agg/agg-models.ts'
import { type ConversionEvent, type ConversionEventDefinition, defineConversion } from './conversions.ts'
import { checkDayWindow } from './dates.ts'
import type { HubContext } from './hub-context.ts'
import { MapModels } from './map/map-models.ts'
import type { EventRow } from './objectiv-event.ts'
import {
  ModelHubOptionError,
  type ModelHubOptionsInput,
  type ModelHubSettings,
  parseModelHubOptions,
} from './options.ts'
import { eventsPipeline } from './pipeline/events.ts'

/** What `hub.events()` returns: an ordinary Kysely query over the `events` source. */
export type EventsQuery<DB, G extends string> = SelectQueryBuilder<DB & { events: EventRow<G> }, 'events', EventRow<G>>

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
  readonly #conversions: ReadonlyMap<string, ConversionEvent>
  readonly settings: Readonly<Omit<ModelHubSettings, 'table' | 'globalContexts'>> & {
    readonly table: string
    readonly globalContexts: G
  }

  constructor(
    db: Kysely<DB>,
    options: ModelHubOptionsInput<G> = {},
    conversions?: ReadonlyMap<string, ConversionEvent>,
  ) {
    const settings = parseModelHubOptions(options)
    const engine = settings.engine ?? engineOf(db)
    if (!engine) {
      throw new ModelHubOptionError(
        'Invalid model hub options: option "engine" is required for a Kysely not made by createPostgresDb/createPgliteDb; pass e.g. { engine: postgres }',
      )
    }
    this.db = db
    this.engine = engine
    this.settings = Object.freeze({
      ...settings,
      table: settings.table ?? (engine.name === 'bigquery' ? 'events' : 'data'),
      globalContexts: settings.globalContexts as unknown as G,
    })
    this.#options = options
    this.#conversions = conversions ?? new Map()
    this.map = new MapModels<C>(this.context)
    this.agg = new AggModels<C>(this.context)
  }

  readonly #options: ModelHubOptionsInput<G>

  /** What the models read: the Kysely, the engine, the time bucket and the conversions. */
  get context(): HubContext {
    return {
      db: this.db as unknown as Kysely<any>,
      engine: this.engine,
      timeAggregation: this.settings.timeAggregation,
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
   * The events between two UTC days (both inclusive, 'YYYY-MM-DD'), sessionized, with one column
   * per requested global context. Sessions are numbered within this window.
   */
  events(window: { startDate?: string; endDate?: string } = {}): EventsQuery<DB, G[number]> {
    const db = this.db as unknown as Kysely<any>
    const pipeline = eventsPipeline(db, this.engine, {
      ...this.settings,
      ...checkDayWindow(window),
    })
    return db.selectFrom(pipeline.as('events')).selectAll('events') as unknown as EventsQuery<DB, G[number]>
  }
}
