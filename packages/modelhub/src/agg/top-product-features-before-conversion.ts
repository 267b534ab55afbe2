import type { AnyQuery } from '../hub/any-query.ts'
import { conversionNamed } from '../hub/conversions.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { beforeFirstConversion, firstConversionHelpers } from '../map/conversion-columns.ts'
import { conversionTest } from '../pipeline/conversion-flags.ts'
import { flagsUnder, sessionsOf, storedEvents } from '../pipeline/session-keys.ts'
import type { AggregateQuery } from './aggregate-query.ts'
import {
  countFeatures,
  featureEvents,
  type ProductFeature,
  requireApplication,
  type TopProductFeaturesOptions,
} from './top-product-features.ts'

export type TopProductFeaturesBeforeConversionRow = ProductFeature & { unique_users: number }

/**
 * The features used before converting: {@link topProductFeatures} over the hits of sessions that
 * reach the conversion, strictly before the session's first conversion. Hits at the same moment
 * as that conversion are its peers (RANGE frame) and are left out too, as in Objectiv.
 *
 * Conversions are counted over every hit of `q`; only then are the hits filtered on `eventType`.
 * The window columns are computed in a subquery and filtered outside it (no join back).
 *
 * Shape: … from (select events.*, sum(<conv>) over (partition by session_id) as __converted,
 *        min(case when <conv> then moment end) over (partition by session_id) as __first_conversion
 *        from (<q>) as events) as events
 *        where <before the first conversion> and <types hold eventType> … (as topProductFeatures)
 *
 * @example hub.agg.topProductFeaturesBeforeConversion(hub.events(), 'quickstart_presses')
 */
export function topProductFeaturesBeforeConversion(
  hub: HubContext,
  q: AnyQuery,
  name: string,
  // biome-ignore lint/suspicious/noExplicitAny: options for rows of any columns; the public method checked them against q
  options: TopProductFeaturesOptions<any>,
): AggregateQuery<TopProductFeaturesBeforeConversionRow> {
  const converts = conversionTest(q, conversionNamed(hub.conversions, name))
  requireApplication(q, 'topProductFeaturesBeforeConversion')
  // Over the events pipeline, sessions are its session keys: the same groups, without numbering
  // them; and the conversion is its flag there, if it has one.
  const { query, session } = sessionsOf(q, flagsUnder(q))
  // Moments and users as stored: only compared and counted here, so no row of the session windows
  // pays for the typed columns' conversions (and the filters of `q` still read the typed ones).
  const marked = hub.db
    .selectFrom(storedEvents(hub.db, query).as('events'))
    .selectAll('events')
    .select((eb) =>
      Object.entries(firstConversionHelpers(converts, session)).map(([name, build]) => build(eb).as(name)),
    )
  const before = featureEvents(hub, marked, options, 'topProductFeaturesBeforeConversion', beforeFirstConversion, q)
  return countFeatures<TopProductFeaturesBeforeConversionRow>(hub, before, 'unique_users')
}
