import { type AggregateQuery, aggregateResult } from '../agg/aggregate-query.ts'
import type { GroupBy, GroupKeys } from '../agg/group-by.ts'
import { NAVIGATION_PATHS, ORDERED_STEPS, SANKEY_LINKS, TIME_TO_CONVERT } from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { EventsLike } from '../map/add-column.ts'
import type { ObjectivEvent } from '../pipeline/objectiv-event.ts'
import {
  type NavigationPathRow,
  type NavigationPathsOptions,
  navigationPaths,
  type PathsBy,
} from './navigation-paths.ts'
import { type OrderedStepsOptions, type OrderedStepsRow, orderedSteps } from './ordered-steps.ts'
import { type SankeyLink, type SankeyLinksOptions, sankeyLinks } from './sankey-links.ts'
import { type TimeToConvertOptions, type TimeToConvertRow, timeToConvert } from './time-to-convert.ts'

/** A query whose rows have (at least) these event columns. */
type Needs<K extends keyof ObjectivEvent> = EventsLike<Pick<ObjectivEvent, K>>
/** The rows of a query. */
type RowOf<Q> = Q extends EventsLike<infer O> ? O : never

/**
 * Funnel discovery: where users go (navigation paths, Sankey links) and how far they get through
 * an ordered list of steps.
 *
 * @example
 * const paths = await hub.funnel.navigationPaths(hub.events(), { steps: 3 }).execute()
 * const links = hub.funnel.sankeyLinks(paths)
 */
export class FunnelModels<C extends string> {
  readonly #hub: HubContext

  constructor(hub: HubContext) {
    this.#hub = hub
  }

  /**
   * For each event, its location and those of the next `steps - 1` events of the same user (or
   * `by` partition): columns `location_stack_step_1` … `location_stack_step_<steps>`, typed from
   * the literal `steps`. Equal moments are ordered by the step value (Objectiv's rule), then event_id.
   */
  navigationPaths<
    Q extends Needs<'moment'>,
    const N extends number,
    const L extends (keyof RowOf<Q> & string) | undefined = undefined,
    const B extends PathsBy<RowOf<Q>> | undefined = undefined,
    const A extends boolean | undefined = undefined,
    const E extends boolean | undefined = undefined,
  >(
    q: Q,
    options: NavigationPathsOptions<RowOf<Q>, N, L, B, C, A, E>,
  ): AggregateQuery<NavigationPathRow<RowOf<Q>, N, L, B, A, E>> {
    checkOptions('hub.funnel.navigationPaths', options, NAVIGATION_PATHS)
    return navigationPaths(this.#hub, q, options)
  }

  /**
   * A funnel: per group, the users who did step 1, then step 2, … (within `conversionWindowSeconds`
   * of their step 1), one row per step with its conversion rates. `order: 'strict'` allows no other
   * event between steps; `order: 'unordered'` counts the steps done in any order.
   *
   * @example
   * const strict = await hub.funnel
   *   .orderedSteps(hub.events(), { steps: [{ id: 'home' }, { id: 'Quickstart Guide' }], order: 'strict' })
   *   .execute()
   */
  orderedSteps<
    Q extends Needs<'moment'>,
    const B extends (keyof RowOf<Q> & string) | undefined = undefined,
    const G extends GroupBy<Omit<RowOf<Q>, B extends string ? B : 'user_id'>> = null,
  >(q: Q, options: OrderedStepsOptions<B, G>): AggregateQuery<OrderedStepKeys<RowOf<Q>, G> & OrderedStepsRow> {
    checkOptions('hub.funnel.orderedSteps', options, ORDERED_STEPS)
    return orderedSteps(this.#hub, q, options)
  }

  /**
   * Time to convert: per user who got from `fromStep` (default 1) to `toStep` (default the last
   * step), the seconds it took in the attempt `orderedSteps` counts them by.
   *
   * @example
   * const times = await hub.funnel
   *   .timeToConvert(hub.events(), { steps: [{ id: 'home' }, { id: 'Quickstart Guide' }], conversionWindowSeconds: 3600 })
   *   .execute()
   * const slowest: number = Math.max(...times.map((row) => row.seconds))
   */
  timeToConvert<Q extends Needs<'moment' | 'user_id'>>(
    q: Q,
    options: TimeToConvertOptions,
  ): AggregateQuery<TimeToConvertRow> {
    checkOptions('hub.funnel.timeToConvert', options, TIME_TO_CONVERT)
    return aggregateResult(timeToConvert(this.#hub, q, options))
  }

  /** The links of a Sankey diagram of navigation paths: consecutive steps counted over all (or the top n) paths. */
  sankeyLinks(rows: readonly Record<string, unknown>[], options: SankeyLinksOptions = {}): SankeyLink[] {
    checkOptions('hub.funnel.sankeyLinks', options, SANKEY_LINKS)
    return sankeyLinks(rows, options)
  }

  /** @internal keeps C in use for the conversion names `navigationPaths` accepts. */
  declare protected readonly conversionNames?: C
}

/** The key columns of an ordered funnel: none unless `groupBy` is given. */
export type OrderedStepKeys<O, G> = [G] extends [null] ? {} : [G] extends [undefined] ? {} : GroupKeys<O, G>
