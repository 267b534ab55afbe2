import type { HubContext } from '../hub-context.ts'
import type { EventsLike } from '../map/add-column.ts'
import type { ObjectivEvent } from '../objectiv-event.ts'
import type { AggregateQuery } from './aggregate-query.ts'
import { type FrequencyRow, frequency } from './frequency.ts'
import type { GroupBy, GroupKeys } from './group-by.ts'
import { type RetentionMatrixOptions, type RetentionRow, retentionMatrix } from './retention-matrix.ts'
import { type SessionDurationMethod, sessionDuration } from './session-duration.ts'
import { uniqueSessions } from './unique-sessions.ts'
import { uniqueUsers } from './unique-users.ts'

/** A query whose rows have (at least) these event columns. */
export type Needs<K extends keyof ObjectivEvent> = EventsLike<Pick<ObjectivEvent, K>>
/** The rows of a query. */
export type RowOf<Q> = Q extends EventsLike<infer O> ? O : never

/**
 * Aggregation models: each turns a query over events into a query over its results, typed by
 * the grouping: `hub.agg.uniqueUsers(q)` → `{ time_aggregation: string; unique_users: number }`.
 */
export class AggModels<C extends string> {
  readonly #hub: HubContext

  constructor(hub: HubContext) {
    this.#hub = hub
  }

  /** @internal the hub these models read (for models defined in other files). */
  protected get hub(): HubContext {
    return this.#hub
  }

  /** Distinct users per time bucket (or per `groupBy`); NULL users are not counted. */
  uniqueUsers<Q extends Needs<'user_id' | 'moment'>, const G extends GroupBy<Omit<RowOf<Q>, 'user_id'>> = undefined>(
    q: Q,
    options: { readonly groupBy?: G } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { unique_users: number }> {
    return uniqueUsers(this.#hub, q, options.groupBy)
  }

  // ── more models below: each a method delegating to a function in its own file ──

  /** Distinct sessions per time bucket (or per `groupBy`); a session counts in every bucket it has events in. */
  uniqueSessions<
    Q extends Needs<'session_id' | 'moment'>,
    const G extends GroupBy<Omit<RowOf<Q>, 'session_id'>> = undefined,
  >(
    q: Q,
    options: { readonly groupBy?: G } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { unique_sessions: number }> {
    return uniqueSessions(this.hub, q, options.groupBy)
  }

  /**
   * Mean (or total) session duration in seconds per time bucket (or per `groupBy`), bounces left
   * out by default. A session belongs wholly to the time bucket of its first event.
   */
  sessionDuration<Q extends Needs<'session_id' | 'moment'>, const G extends GroupBy<RowOf<Q>> = undefined>(
    q: Q,
    options: {
      readonly groupBy?: G
      readonly excludeBounces?: boolean
      readonly method?: SessionDurationMethod
    } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { session_duration: number }> {
    return sessionDuration(this.hub, q, options)
  }

  /** How many users have N sessions: `{ session_id_nunique: N, user_id_nunique: users }`; anonymous events left out. */
  frequency<Q extends Needs<'user_id' | 'session_id'>>(q: Q): AggregateQuery<FrequencyRow> {
    return frequency(this.hub, q)
  }

  /**
   * Retention in long form: distinct users per cohort (period of their first event) and period
   * since then; pivot with `toMatrix(rows)`. `eventType` needs an `event_type` column.
   */
  retentionMatrix<Q extends Needs<'user_id' | 'moment'>>(
    q: Q,
    options: 'event_type' extends keyof RowOf<Q>
      ? RetentionMatrixOptions
      : Omit<RetentionMatrixOptions, 'eventType'> & { readonly eventType?: never } = {},
  ): AggregateQuery<RetentionRow> {
    return retentionMatrix(this.hub, q, options)
  }

  /** @internal keeps C in use until the conversion models land. */
  declare protected readonly conversionNames?: C
}
