import type { Engine } from '@kysely-modelhub/core'
import type { AnyKysely } from './any-query.ts'
import type { ConversionEvent } from './conversions.ts'

/** What every model reads from its hub: where to build queries and the hub's definitions. */
export interface HubContext {
  readonly db: AnyKysely
  readonly engine: Engine
  /** The hub's default strftime format for time buckets. */
  readonly timeAggregation: string
  /**
   * The IANA zone whose calendar time buckets, day windows and periods follow ('UTC' by default);
   * sessions never do (a gap is a duration).
   */
  readonly timeZone: string
  readonly conversions: ReadonlyMap<string, ConversionEvent>
}
