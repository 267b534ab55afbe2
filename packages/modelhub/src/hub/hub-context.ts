import type { Engine } from '@kysely-modelhub/core'
import type { Kysely } from 'kysely'
import type { ConversionEvent } from './conversions.ts'

/** What every model reads from its hub: where to build queries and the hub's definitions. */
export interface HubContext {
  readonly db: Kysely<any>
  readonly engine: Engine
  /** The hub's default strftime format for time buckets. */
  readonly timeAggregation: string
  readonly conversions: ReadonlyMap<string, ConversionEvent>
}
