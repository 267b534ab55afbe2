import { type Engine, invalid, parseTimeFormat } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import { NAMED, PARTITIONED, TIME_BUCKETED } from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import { checkName } from '../checks/table-name.ts'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import { conversionNamed } from '../hub/conversions.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone } from '../hub/time-zone.ts'
import { conversionTest } from '../pipeline/conversion-flags.ts'
import type { ObjectivEvent } from '../pipeline/objectiv-event.ts'
import { SESSION_KEY, STORED, wholePipeline } from '../pipeline/session-keys.ts'
import { addColumn, addColumnWithHelpers, addSessionColumn, type EventsLike, type MappedQuery } from './add-column.ts'
import {
  conversionsCounterColumn,
  conversionsInTimeColumn,
  firstConversionHelpers,
  type Partition,
  preConversionHitNumberColumn,
} from './conversion-columns.ts'
import { isFirstSessionColumn, isNewUserColumn } from './is-new-user.ts'
import { timeBucket } from './time-agg.ts'

/** A query whose rows have (at least) these event columns. */
type Needs<K extends keyof ObjectivEvent> = EventsLike<Pick<ObjectivEvent, K>>
/** Column names of a query's rows. */
type ColumnOf<Q> = Q extends EventsLike<infer O> ? keyof O & string : never

interface As<A extends string> {
  /** The name of the new column (default: the helper's own). */
  readonly as?: A
}
/** A time bucket's format and zone, each defaulting to the hub's. */
export interface TimeBucketOptions {
  /** strftime format of the bucket, e.g. '%Y-%m' (default: the hub's `timeAggregation`). */
  readonly timeAggregation?: string
  /** IANA time zone whose calendar the bucket follows, e.g. 'Europe/Amsterdam' (default: the hub's `timeZone`). */
  readonly timeZone?: string
}
interface Partitioned<Q, A extends string> extends As<A> {
  /** Count within this column's groups: 'session_id' (default), 'user_id' or another column. */
  readonly partition?: ColumnOf<Q>
}

/**
 * Map helpers: each adds one column to a query over events and keeps every row, so the result
 * can be filtered on it at once: `hub.map.isNewUser(q).where('is_new_user', '=', true)`.
 */
export class MapModels<C extends string> {
  readonly #hub: HubContext

  constructor(hub: HubContext) {
    this.#hub = hub
  }

  /** `is_first_session`: TRUE for every hit of the user's first session in the data. */
  isFirstSession<Q extends Needs<'user_id' | 'session_id'>, const A extends string = 'is_first_session'>(
    q: Q,
    options: As<A> = {},
  ): MappedQuery<Q, A, boolean> {
    checkOptions('hub.map.isFirstSession', options, NAMED)
    return addSessionColumn(
      this.#hub,
      q,
      columnName(options.as, 'is_first_session' as A, this.#hub.engine),
      (eb) => isFirstSessionColumn(eb),
      (eb, whole) => isFirstSessionColumn(eb, whole ? 'whole pipeline' : 'session keys'),
    )
  }

  /** `is_new_user`: TRUE for every hit in the time bucket holding the user's first session. */
  isNewUser<Q extends Needs<'user_id' | 'session_id' | 'moment'>, const A extends string = 'is_new_user'>(
    q: Q,
    options: As<A> & TimeBucketOptions = {},
  ): MappedQuery<Q, A, boolean> {
    checkOptions('hub.map.isNewUser', options, TIME_BUCKETED)
    if (options.timeAggregation !== undefined) parseTimeFormat(options.timeAggregation)
    const hub = inTimeZone(this.#hub, options.timeZone)
    return addSessionColumn(
      hub,
      q,
      columnName(options.as, 'is_new_user' as A, hub.engine),
      (eb) => isNewUserColumn(hub, eb, options.timeAggregation),
      (eb, whole) => isNewUserColumn(hub, eb, options.timeAggregation, whole ? 'whole pipeline' : 'session keys'),
    )
  }

  /** `is_conversion_event`: whether the event is the named conversion. */
  isConversionEvent<Q extends Needs<'event_type' | 'location_stack'>, const A extends string = 'is_conversion_event'>(
    q: Q,
    name: C,
    options: As<A> = {},
  ): MappedQuery<Q, A, boolean> {
    checkOptions('hub.map.isConversionEvent', options, NAMED)
    const converts = conversionTest(q, conversionNamed(this.#hub.conversions, name))
    return addColumn(this.#hub, q, columnName(options.as, 'is_conversion_event' as A, this.#hub.engine), converts)
  }

  /** `conversions_in_time`: conversions so far in the partition (events at one moment share it). */
  conversionsInTime<
    Q extends Needs<'event_type' | 'location_stack' | 'moment'>,
    const A extends string = 'conversions_in_time',
  >(q: Q, name: C, options: Partitioned<Q, A> = {}): MappedQuery<Q, A, number> {
    checkOptions('hub.map.conversionsInTime', options, PARTITIONED)
    const converts = conversionTest(q, conversionNamed(this.#hub.conversions, name))
    const partition = partitionOf(options.partition)
    return addConversionColumn(
      this.#hub,
      q,
      columnName(options.as, 'conversions_in_time' as A, this.#hub.engine),
      partition,
      (eb, p, moment) => conversionsInTimeColumn(converts, eb, p, moment),
    )
  }

  /** `converted`: how many conversions the partition has in all (0 when none). */
  conversionsCounter<Q extends Needs<'event_type' | 'location_stack'>, const A extends string = 'converted'>(
    q: Q,
    name: C,
    options: Partitioned<Q, A> = {},
  ): MappedQuery<Q, A, number> {
    checkOptions('hub.map.conversionsCounter', options, PARTITIONED)
    const converts = conversionTest(q, conversionNamed(this.#hub.conversions, name))
    const partition = partitionOf(options.partition)
    return addConversionColumn(
      this.#hub,
      q,
      columnName(options.as, 'converted' as A, this.#hub.engine),
      partition,
      (eb, p) => conversionsCounterColumn(converts, eb, p),
    )
  }

  /** `pre_conversion_hit_number`: hits before the first conversion, counted back from it. */
  preConversionHitNumber<
    Q extends Needs<'event_type' | 'location_stack' | 'moment' | 'session_id' | 'session_hit_number'>,
    const A extends string = 'pre_conversion_hit_number',
  >(q: Q, name: C, options: Partitioned<Q, A> = {}): MappedQuery<Q, A, number | null> {
    checkOptions('hub.map.preConversionHitNumber', options, PARTITIONED)
    const converts = conversionTest(q, conversionNamed(this.#hub.conversions, name))
    const partition = partitionOf(options.partition)
    return addColumnWithHelpers(
      this.#hub,
      q,
      columnName(options.as, 'pre_conversion_hit_number' as A, this.#hub.engine),
      firstConversionHelpers(converts, partition),
      (eb) => this.#hub.engine.outputNumber(preConversionHitNumberColumn(eb, partition)),
      // Per session over the events pipeline: per session key, without numbering the sessions.
      partition === 'session_id'
        ? (moment) => ({
            helpers: firstConversionHelpers(converts, SESSION_KEY, moment),
            column: (eb) =>
              this.#hub.engine.outputNumber(preConversionHitNumberColumn(eb, SESSION_KEY, wholePipeline(q), moment)),
          })
        : undefined,
    )
  }

  /** `time_aggregation`: the event's moment formatted with the hub's (or the given) strftime format. */
  timeAgg<Q extends Needs<'moment'>, const A extends string = 'time_aggregation'>(
    q: Q,
    options: As<A> & TimeBucketOptions = {},
  ): MappedQuery<Q, A, string> {
    checkOptions('hub.map.timeAgg', options, TIME_BUCKETED)
    if (options.timeAggregation !== undefined) parseTimeFormat(options.timeAggregation)
    const hub = inTimeZone(this.#hub, options.timeZone)
    return addColumn(
      hub,
      q,
      columnName(options.as, 'time_aggregation' as A, hub.engine),
      (eb) => sql<string>`${timeBucket(hub, eb, options.timeAggregation)}`,
      // Over the pipeline, of the moment as stored: the same instant, not converted twice.
      (eb) => sql<string>`${timeBucket(hub, eb, options.timeAggregation, STORED.moment)}`,
    )
  }
}

/**
 * A column counted per partition; per session (the default) over the events pipeline it is
 * counted per session key, which names the same groups without numbering the sessions, and per
 * user_id per user as stored, which sorts the stored id (often no sort at all: the rows may be in
 * per-user order already). `moment` names the column a count in time order reads. The count (a
 * sum, int8 or numeric in SQL) leaves as a number on every driver.
 */
function addConversionColumn<Q extends AnyQuery, A extends string>(
  hub: HubContext,
  q: Q,
  name: A,
  partition: string,
  count: (eb: EventsExpressionBuilder, partition: Partition, moment: string) => Expression<number>,
): MappedQuery<Q, A, number> {
  const column = (eb: EventsExpressionBuilder, p: Partition, moment = 'moment') =>
    hub.engine.outputNumber(count(eb, p, moment))
  if (partition !== 'session_id') {
    const perStoredUser =
      partition === 'user_id' ? (eb: EventsExpressionBuilder) => column(eb, STORED.user_id, STORED.moment) : undefined
    return addColumn(hub, q, name, (eb) => column(eb, partition), perStoredUser)
  }
  return addSessionColumn(
    hub,
    q,
    name,
    (eb) => column(eb, partition),
    // Over every row of the pipeline, in the order of the moment as stored: the same order, and
    // the sort key is the column itself, not the typed one's conversion per event.
    (eb, whole) => column(eb, SESSION_KEY, whole ? STORED.moment : 'moment'),
  )
}

function columnName<A extends string>(given: A | undefined, fallback: A, engine: Engine): A {
  if (given === undefined) return fallback
  if (typeof given !== 'string' || given.length === 0) invalid('as', given, 'expected a column name')
  checkName('as', given, given, engine)
  return given
}

function partitionOf(partition: string | undefined): string {
  if (partition === undefined) return 'session_id'
  if (typeof partition !== 'string' || partition.length === 0) {
    invalid('partition', partition, 'expected a column name such as "session_id" or "user_id"')
  }
  return partition
}
