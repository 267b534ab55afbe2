import { type Engine, engineOf } from '@kysely-modelhub/core'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import { checkDayWindow } from './dates.ts'
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
export class ModelHub<DB, const G extends readonly string[] = readonly []> {
  readonly db: Kysely<DB>
  readonly engine: Engine
  readonly settings: Readonly<Omit<ModelHubSettings, 'table' | 'globalContexts'>> & {
    readonly table: string
    readonly globalContexts: G
  }

  constructor(db: Kysely<DB>, options: ModelHubOptionsInput<G> = {}) {
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
