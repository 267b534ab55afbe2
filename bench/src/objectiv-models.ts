import type { SelectQueryBuilder } from 'kysely'
import type { BenchHub } from './models.ts'

type Row = Record<string, unknown>

/**
 * One question of the notebook asked twice: our model, and bench/objectiv/<name>.sql, the SQL
 * Objectiv's Bach generates for it. Both must give the same rows before either is timed.
 */
export interface ObjectivModel {
  /** The name in the report and in `--models`; also the fixture's file name. */
  readonly name: string
  /** The Bach call the fixture stands for. */
  readonly bach: string
  /** Our query for the same question, built on the bench hub. */
  build(hub: BenchHub): SelectQueryBuilder<any, any, any>
  /** One row per event: streamed, and compared on `compareColumns` only. */
  readonly perEvent?: boolean
  /**
   * How the two answers are brought to one form before comparing (timing always runs the
   * queries as they are): SQL wrapped around either query, and a reshaping of Objectiv's rows.
   */
  readonly compare?: {
    readonly ours?: (sql: string) => string
    readonly objectiv?: (sql: string) => string
    readonly objectivRows?: (rows: readonly Row[]) => Row[]
  }
}

/** Per-event models are compared on the event and the added column. */
const eventColumn = (column: string) => (sql: string) =>
  `select event_id::text as event_id, ${column} from (${sql}) as q`

/** Objectiv's mean is an interval rounded to microseconds, ours seconds as a double: compared to the millisecond. */
const roundedSeconds = (seconds: string) => (sql: string) =>
  `select round((${seconds})::numeric, 3)::float8 as session_duration from (${sql}) as q`

/** Bach's unstacked retention (a column `_<n>` per period) as our rows: (first_cohort, period, value), no empty cells. */
function unstacked(rows: readonly Row[]): Row[] {
  return rows.flatMap((row) =>
    Object.entries(row)
      .filter(([key, value]) => /^_\d+$/.test(key) && value !== null)
      .map(([key, value]) => ({ first_cohort: row.first_cohort, period: Number(key.slice(1)), value })),
  )
}

export const OBJECTIV_MODELS: readonly ObjectivModel[] = [
  {
    name: 'frequency',
    bach: 'agg.frequency(df)',
    build: (hub) => hub.agg.frequency(hub.events()),
  },
  {
    name: 'new-user-share',
    bach: 'agg.unique_users(df[df.is_new_user]) / agg.unique_users(df)',
    build: (hub) => {
      const events = hub.events()
      return hub.divide(
        hub.agg.uniqueUsers(hub.map.isNewUser(events).where('is_new_user', '=', true)),
        hub.agg.uniqueUsers(events),
      )
    },
  },
  {
    name: 'is-new-user',
    bach: "df['is_new_user'] = map.is_new_user(df)",
    build: (hub) => hub.map.isNewUser(hub.events()),
    perEvent: true,
    compare: { ours: eventColumn('is_new_user'), objectiv: eventColumn('is_new_user') },
  },
  {
    name: 'unique-sessions',
    bach: 'agg.unique_sessions(df)',
    build: (hub) => hub.agg.uniqueSessions(hub.events()),
  },
  {
    name: 'unique-users',
    bach: 'agg.unique_users(df)',
    build: (hub) => hub.agg.uniqueUsers(hub.events()),
  },
  {
    name: 'session-duration',
    bach: 'agg.session_duration(df, groupby=None)',
    build: (hub) => hub.agg.sessionDuration(hub.events(), { groupBy: null }),
    compare: {
      ours: roundedSeconds('session_duration'),
      objectiv: roundedSeconds('extract(epoch from session_duration)'),
    },
  },
  {
    name: 'retention-monthly',
    bach: "agg.retention_matrix(df, time_period='monthly')",
    build: (hub) => hub.agg.retentionMatrix(hub.events(), { timePeriod: 'monthly' }),
    compare: { objectivRows: unstacked },
  },
  {
    name: 'conversions-in-time',
    bach: "df['conversions_in_time'] = map.conversions_in_time(df, 'quickstart_presses')",
    build: (hub) => hub.map.conversionsInTime(hub.events(), 'quickstart_presses'),
    perEvent: true,
    compare: { ours: eventColumn('conversions_in_time'), objectiv: eventColumn('conversions_in_time') },
  },
  {
    name: 'top-product-features',
    bach: 'agg.top_product_features(df)',
    build: (hub) => hub.agg.topProductFeatures(hub.events()),
  },
  {
    name: 'new-month-converted-twice',
    bach: 'agg.unique_users(df[df.is_new_user_month & df.is_twice_converted])',
    build: (hub) => {
      const labelled = hub.map.conversionsInTime(
        hub.map.isNewUser(hub.events(), { timeAggregation: '%Y-%m', as: 'is_new_user_month' }),
        'quickstart_presses',
      )
      return hub.agg.uniqueUsers(labelled.where('is_new_user_month', '=', true).where('conversions_in_time', '=', 2))
    },
  },
]

/** The models named in `--models` (all when none), or an error naming the unknown ones. */
export function selectObjectivModels(names: readonly string[] | undefined): readonly ObjectivModel[] {
  if (!names || names.length === 0) return OBJECTIV_MODELS
  const unknown = names.filter((name) => !OBJECTIV_MODELS.some((m) => m.name === name))
  if (unknown.length > 0) {
    const valid = OBJECTIV_MODELS.map((m) => m.name).join(', ')
    throw new Error(`unknown model ${unknown.join(', ')}; expected some of: ${valid}`)
  }
  return OBJECTIV_MODELS.filter((m) => names.includes(m.name))
}
