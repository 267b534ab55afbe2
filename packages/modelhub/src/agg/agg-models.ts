import {
  DROP_OFF_LOCATIONS,
  FUNNEL_CONVERSION,
  GROUPED,
  LIFECYCLE,
  RETENTION_MATRIX,
  SESSION_DURATION,
  STICKINESS,
  TOP_PRODUCT_FEATURES,
} from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { EventsLike } from '../map/add-column.ts'
import type { ObjectivEvent } from '../pipeline/objectiv-event.ts'
import type { AggregateQuery } from './aggregate-query.ts'
import { type DropOffLocationsOptions, type DropOffLocationsRow, dropOffLocations } from './drop-off-locations.ts'
import { type FrequencyRow, frequency } from './frequency.ts'
import {
  type FunnelConversionOptions,
  type FunnelConversionRow,
  type FunnelKeys,
  funnelConversion,
} from './funnel-conversion.ts'
import type { GroupBy, GroupKeys } from './group-by.ts'
import { type LifecycleOptions, type LifecycleRow, lifecycle } from './lifecycle.ts'
import { type RetentionMatrixOptions, type RetentionRow, retentionMatrix } from './retention-matrix.ts'
import { type SessionDurationMethod, sessionDuration } from './session-duration.ts'
import { type StickinessInterval, type StickinessKeys, type StickinessRow, stickiness } from './stickiness.ts'
import {
  type TopProductFeaturesOptions,
  type TopProductFeaturesRow,
  topProductFeatures,
  type WithApplication,
} from './top-product-features.ts'
import {
  type TopProductFeaturesBeforeConversionRow,
  topProductFeaturesBeforeConversion,
} from './top-product-features-before-conversion.ts'
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

  /**
   * Distinct users per time bucket (or per `groupBy`); NULL users are not counted.
   *
   * @example await hub.agg.uniqueUsers(hub.events()).execute() // [{ time_aggregation: '2022-03-01', unique_users: … }, …]
   */
  uniqueUsers<Q extends Needs<'user_id' | 'moment'>, const G extends GroupBy<Omit<RowOf<Q>, 'user_id'>> = undefined>(
    q: Q,
    options: { readonly groupBy?: G } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { unique_users: number }> {
    checkOptions('hub.agg.uniqueUsers', options, GROUPED)
    return uniqueUsers(this.#hub, q, options.groupBy)
  }

  // ── more models below: each a method delegating to a function in its own file ──

  /**
   * Distinct sessions per time bucket (or per `groupBy`); a session counts in every bucket it has events in.
   *
   * @example hub.agg.uniqueSessions(hub.events(), { groupBy: null }) // one row: every session in the window
   */
  uniqueSessions<
    Q extends Needs<'session_id' | 'moment'>,
    const G extends GroupBy<Omit<RowOf<Q>, 'session_id'>> = undefined,
  >(
    q: Q,
    options: { readonly groupBy?: G } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { unique_sessions: number }> {
    checkOptions('hub.agg.uniqueSessions', options, GROUPED)
    return uniqueSessions(this.hub, q, options.groupBy)
  }

  /**
   * Mean (or total) session duration in seconds per time bucket (or per `groupBy`), bounces left
   * out by default. A session belongs wholly to the time bucket of its first event.
   *
   * @example hub.agg.sessionDuration(hub.events(), { groupBy: { timeAggregation: '%Y-%m' }, method: 'sum' })
   */
  sessionDuration<Q extends Needs<'session_id' | 'moment'>, const G extends GroupBy<RowOf<Q>> = undefined>(
    q: Q,
    options: {
      readonly groupBy?: G
      readonly excludeBounces?: boolean
      readonly method?: SessionDurationMethod
    } = {},
  ): AggregateQuery<GroupKeys<RowOf<Q>, G> & { session_duration: number }> {
    checkOptions('hub.agg.sessionDuration', options, SESSION_DURATION)
    return sessionDuration(this.hub, q, options)
  }

  /**
   * How many users have N sessions: `{ session_id_nunique: N, user_id_nunique: users }`; anonymous events left out.
   *
   * @example hub.agg.frequency(hub.events()).orderBy('session_id_nunique')
   */
  frequency<Q extends Needs<'user_id' | 'session_id'>>(q: Q): AggregateQuery<FrequencyRow> {
    return frequency(this.hub, q)
  }

  /**
   * Retention in long form: distinct users per cohort (the period of their first start event, or
   * with `mode: 'recurring'` of each one) and period since then, calendar or elapsed; pivot with
   * `toMatrix(rows)`. `eventType` and `returnEventType` need an `event_type` column.
   *
   * @example toMatrix(await hub.agg.retentionMatrix(hub.events(), { timePeriod: 'monthly' }).execute())
   */
  retentionMatrix<Q extends Needs<'user_id' | 'moment'>>(
    q: Q,
    options: 'event_type' extends keyof RowOf<Q>
      ? RetentionMatrixOptions
      : Omit<RetentionMatrixOptions, 'eventType' | 'returnEventType'> & {
          readonly eventType?: never
          readonly returnEventType?: never
        } = {},
  ): AggregateQuery<RetentionRow> {
    checkOptions('hub.agg.retentionMatrix', options, RETENTION_MATRIX)
    return retentionMatrix(this.hub, q, options)
  }

  /**
   * Lifecycle per period: users `new`, `returning`, `resurrecting` and `dormant` (docs/semantics.md §S8);
   * one row per period (first to last with activity) and status, `users` never negative.
   *
   * @example hub.agg.lifecycle(hub.events(), { period: 'weekly' }).orderBy(['period', 'status'])
   */
  lifecycle<Q extends Needs<'user_id' | 'moment'>>(q: Q, options: LifecycleOptions = {}): AggregateQuery<LifecycleRow> {
    checkOptions('hub.agg.lifecycle', options, LIFECYCLE)
    return lifecycle(this.hub, q, options)
  }

  /**
   * Stickiness: how many users were active on exactly N distinct days, weeks or months
   * (`intervals_active`), per `groupBy` keys if given (none by default).
   *
   * @example hub.agg.stickiness(hub.events(), { interval: 'day' }).orderBy('intervals_active')
   */
  stickiness<
    Q extends Needs<'user_id' | 'moment'>,
    const G extends GroupBy<Omit<RowOf<Q>, 'user_id' | 'moment'>> = undefined,
  >(
    q: Q,
    options: { readonly interval: StickinessInterval; readonly groupBy?: G; readonly timeZone?: string },
  ): AggregateQuery<StickinessKeys<RowOf<Q>, G> & StickinessRow> {
    checkOptions('hub.agg.stickiness', options, STICKINESS)
    // Untyped callers may leave the options out: then the missing interval is the error.
    return stickiness(this.hub, q, options?.interval, options?.groupBy, options?.timeZone)
  }

  /**
   * The features used most: distinct users per application, feature nice name and event type,
   * for events whose type stack holds `eventType` (default 'InteractiveEvent'). Needs the
   * `application` column (`globalContexts: ['application']`). Largest count first, ties by key.
   *
   * @example hub.agg.topProductFeatures(hub.events()).limit(10)
   */
  topProductFeatures<Q extends WithApplication<'user_id' | 'event_type' | 'stack_event_types' | 'location_stack'>>(
    q: Q,
    options: TopProductFeaturesOptions<RowOf<Q>> = {},
  ): AggregateQuery<TopProductFeaturesRow> {
    checkOptions('hub.agg.topProductFeatures', options, TOP_PRODUCT_FEATURES)
    return topProductFeatures(this.#hub, q, options)
  }

  /**
   * {@link topProductFeatures} over the hits of converting sessions strictly before their first
   * conversion (hits at the conversion's moment excluded); the count is `unique_users`.
   *
   * @example hub.agg.topProductFeaturesBeforeConversion(hub.events(), 'quickstart_presses')
   */
  topProductFeaturesBeforeConversion<
    Q extends WithApplication<
      'user_id' | 'event_type' | 'stack_event_types' | 'location_stack' | 'moment' | 'session_id'
    >,
  >(
    q: Q,
    name: C,
    options: TopProductFeaturesOptions<RowOf<Q>> = {},
  ): AggregateQuery<TopProductFeaturesBeforeConversionRow> {
    checkOptions('hub.agg.topProductFeaturesBeforeConversion', options, TOP_PRODUCT_FEATURES)
    return topProductFeaturesBeforeConversion(this.#hub, q, name, options)
  }

  /**
   * The last location of each user (or `groupBy` group), counted: `value_counts`, or with
   * `percentage: true` the share of groups ×100 as `percentage`. Ties on the last moment go to
   * the greater event_id.
   *
   * @example hub.agg.dropOffLocations(hub.events(), { percentage: true })
   */
  dropOffLocations<
    Q extends Needs<'user_id' | 'moment' | 'event_id' | 'location_stack'>,
    const G extends GroupBy<RowOf<Q>> = undefined,
    const P extends boolean | undefined = undefined,
  >(q: Q, options: DropOffLocationsOptions<RowOf<Q>, G, P> = {}): AggregateQuery<DropOffLocationsRow<P>> {
    checkOptions('hub.agg.dropOffLocations', options, DROP_OFF_LOCATIONS)
    return dropOffLocations(this.#hub, q, options)
  }

  /**
   * Objectiv's funnel conversion: per location (and `groupBy` keys; none by default) the users
   * who reached it, those who went on to another location, and the step and full conversion
   * rates and drop-off share (3 decimals).
   *
   * @example hub.agg.funnelConversion(hub.events(), { groupBy: 'day' })
   */
  funnelConversion<
    Q extends Needs<'user_id' | 'moment' | 'event_id' | 'location_stack'>,
    const G extends GroupBy<Omit<RowOf<Q>, 'user_id'>> = undefined,
  >(
    q: Q,
    options: FunnelConversionOptions<RowOf<Q>, G> = {},
  ): AggregateQuery<FunnelKeys<RowOf<Q>, G> & FunnelConversionRow> {
    checkOptions('hub.agg.funnelConversion', options, FUNNEL_CONVERSION)
    return funnelConversion(this.#hub, q, options)
  }

  /** @internal keeps C in use until the conversion models land. */
  declare protected readonly conversionNames?: C
}
