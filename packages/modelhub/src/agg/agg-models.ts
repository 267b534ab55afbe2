import type { HubContext } from '../hub-context.ts'
import type { EventsLike } from '../map/add-column.ts'
import type { ObjectivEvent } from '../objectiv-event.ts'
import type { AggregateQuery } from './aggregate-query.ts'
import type { GroupBy, GroupKeys } from './group-by.ts'
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

  /** @internal keeps C in use until the conversion models land. */
  declare protected readonly conversionNames?: C
}
