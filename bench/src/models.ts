import { ModelHub } from '@kysely-modelhub/modelhub'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import { FUNNEL_MODELS } from './models/funnel.ts'
import { MAP_MODELS } from './models/map.ts'
import { ML_MODELS } from './models/ml.ts'

/** The hub every benchmark uses: the notebook's (daily buckets, the application context, its conversion). */
export function benchHub(db: Kysely<any>) {
  return new ModelHub(db, { timeAggregation: '%Y-%m-%d', globalContexts: ['application'] }).addConversionEvent({
    name: 'quickstart_presses',
    locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
    eventType: 'PressEvent',
  })
}

export type BenchHub = ReturnType<typeof benchHub>

/** A model as the benchmark runs it: its query over all events, and the hand-written SQL for the same answer. */
export interface BenchModel {
  /** The name in the report and in `--models`; also the file name of its reference, bench/reference/<name>.sql. */
  readonly name: string
  readonly description: string
  /** The query, built from scratch on each call (compile cost measures exactly this). */
  build(hub: BenchHub): SelectQueryBuilder<any, any, any>
  /** Whether it reads session_id / session_hit_number (so a sessionization sort is expected). */
  readonly usesSessions: boolean
  /** Streamed rather than collected: one row per event. */
  readonly perEvent?: boolean
  /** Run once per database before the model is built (e.g. fitting the model that predicts). */
  prepare?(hub: BenchHub): Promise<void>
  /** Values for the reference's $1, $2, … (e.g. the fitted coefficients), after prepare. */
  referenceParameters?(): readonly unknown[]
}

/**
 * The notebook's presses per session (cells 12–14, without the temp table): PressEvents of
 * converted users before the first conversion of their session, per session. Converted users
 * are marked with a window (conversionsCounter over user_id) rather than the notebook's
 * `user_id in (…)`: over the unmaterialized pipeline Postgres estimates one row for the outer
 * side, picks a nested loop and runs the whole pipeline again for every row (9 minutes at 20k events).
 */
function pressesPerSession(hub: BenchHub) {
  const labelled = hub.map.conversionsCounter(
    hub.map.conversionsInTime(hub.events(), 'quickstart_presses', { as: 'conversion_count' }),
    'quickstart_presses',
    { partition: 'user_id', as: 'user_conversions' },
  )
  return labelled
    .where('event_type', '=', 'PressEvent')
    .where('user_conversions', '>', 0)
    .where('conversion_count', '=', 0)
    .clearSelect()
    .select(['session_id', (eb) => eb.fn.count<number>('session_hit_number').as('presses')])
    .groupBy('session_id')
}

/** The funnel the funnel benchmarks share: the home page, then the Quickstart Guide link, then a press. */
const FUNNEL_STEPS = [
  { _type: 'RootLocationContext', id: 'home' },
  { id: 'Quickstart Guide', _type: 'LinkContext' },
  (eb: any) => eb('event_type', '=', 'PressEvent'),
]

export const MODELS: readonly BenchModel[] = [
  {
    name: 'events',
    description: 'events() with all columns',
    build: (hub) => hub.events(),
    usesSessions: true,
    perEvent: true,
  },
  ...MAP_MODELS,
  {
    name: 'unique-users',
    description: 'agg.uniqueUsers per day',
    build: (hub) => hub.agg.uniqueUsers(hub.events()),
    usesSessions: false,
  },
  {
    name: 'new-unique-users',
    description: 'map.isNewUser + agg.uniqueUsers per day',
    build: (hub) => hub.agg.uniqueUsers(hub.map.isNewUser(hub.events()).where('is_new_user', '=', true)),
    usesSessions: true,
  },
  {
    name: 'new-user-share',
    description: 'divide: new users / all users per day',
    build: (hub) => {
      const events = hub.events()
      return hub.divide(
        hub.agg.uniqueUsers(hub.map.isNewUser(events).where('is_new_user', '=', true)),
        hub.agg.uniqueUsers(events),
      )
    },
    usesSessions: true,
  },
  {
    name: 'unique-sessions',
    description: 'agg.uniqueSessions per day',
    build: (hub) => hub.agg.uniqueSessions(hub.events()),
    usesSessions: true,
  },
  {
    name: 'session-duration',
    description: 'agg.sessionDuration per day',
    build: (hub) => hub.agg.sessionDuration(hub.events()),
    usesSessions: true,
  },
  {
    name: 'presses-per-session',
    description: "map.conversionsInTime + the notebook's presses per session",
    build: pressesPerSession,
    usesSessions: true,
  },
  {
    name: 'frequency',
    description: 'agg.frequency: users per number of sessions',
    build: (hub) => hub.agg.frequency(hub.events()),
    usesSessions: true,
  },
  {
    name: 'retention-monthly',
    description: 'agg.retentionMatrix monthly',
    build: (hub) => hub.agg.retentionMatrix(hub.events(), { timePeriod: 'monthly' }),
    usesSessions: false,
  },
  {
    name: 'retention-recurring-weekly',
    description: "agg.retentionMatrix weekly, mode 'recurring'",
    build: (hub) => hub.agg.retentionMatrix(hub.events(), { timePeriod: 'weekly', mode: 'recurring' }),
    usesSessions: false,
  },
  {
    name: 'retention-elapsed-daily',
    description: "agg.retentionMatrix daily, periods 'elapsed'",
    build: (hub) => hub.agg.retentionMatrix(hub.events(), { timePeriod: 'daily', periods: 'elapsed' }),
    usesSessions: false,
  },
  {
    name: 'lifecycle-weekly',
    description: 'agg.lifecycle weekly',
    build: (hub) => hub.agg.lifecycle(hub.events(), { period: 'weekly' }),
    usesSessions: false,
  },
  {
    name: 'stickiness-daily',
    description: 'agg.stickiness by day',
    build: (hub) => hub.agg.stickiness(hub.events(), { interval: 'day' }),
    usesSessions: false,
  },
  {
    name: 'top-product-features',
    description: 'agg.topProductFeatures',
    build: (hub) => hub.agg.topProductFeatures(hub.events()),
    usesSessions: false,
  },
  {
    name: 'top-features-before-conversion',
    description: 'agg.topProductFeaturesBeforeConversion',
    build: (hub) => hub.agg.topProductFeaturesBeforeConversion(hub.events(), 'quickstart_presses'),
    usesSessions: true,
  },
  {
    name: 'funnel-paths',
    description: 'funnel.navigationPaths, 3 steps, counted per path',
    build: (hub) => {
      const paths = hub.funnel.navigationPaths(hub.events(), { steps: 3 })
      return hub.db
        .selectFrom(paths.clearOrderBy().as('paths'))
        .select(['location_stack_step_1', 'location_stack_step_2', 'location_stack_step_3'])
        .select((eb) => eb.fn.countAll<number>().as('paths'))
        .groupBy(['location_stack_step_1', 'location_stack_step_2', 'location_stack_step_3'])
    },
    usesSessions: false,
  },
  {
    name: 'funnel-strict',
    description: 'funnel.orderedSteps, 3 steps, strict order, 1-hour window',
    build: (hub) =>
      hub.funnel.orderedSteps(hub.events(), { steps: FUNNEL_STEPS, order: 'strict', conversionWindowSeconds: 3600 }),
    usesSessions: false,
  },
  {
    name: 'funnel-unordered',
    description: 'funnel.orderedSteps, 3 steps, any order, 1-hour window',
    build: (hub) =>
      hub.funnel.orderedSteps(hub.events(), { steps: FUNNEL_STEPS, order: 'unordered', conversionWindowSeconds: 3600 }),
    usesSessions: false,
  },
  {
    name: 'time-to-convert',
    description: 'funnel.timeToConvert, 3 steps in order, 1-day window, step 1 to 3',
    build: (hub) => hub.funnel.timeToConvert(hub.events(), { steps: FUNNEL_STEPS, conversionWindowSeconds: 86_400 }),
    usesSessions: false,
  },
  ...FUNNEL_MODELS,
  {
    name: 'drop-off-locations',
    description: 'agg.dropOffLocations: last location per user',
    build: (hub) => hub.agg.dropOffLocations(hub.events()),
    usesSessions: false,
  },
  {
    name: 'funnel-conversion',
    description: 'agg.funnelConversion, one funnel',
    build: (hub) => hub.agg.funnelConversion(hub.events()),
    usesSessions: false,
  },
  ...ML_MODELS,
]

/** The models named in `--models` (all when none), or an error naming the unknown ones. */
export function selectModels(names: readonly string[] | undefined): readonly BenchModel[] {
  if (!names || names.length === 0) return MODELS
  const unknown = names.filter((name) => !MODELS.some((m) => m.name === name))
  if (unknown.length > 0) {
    throw new Error(`unknown model ${unknown.join(', ')}; expected some of: ${MODELS.map((m) => m.name).join(', ')}`)
  }
  return MODELS.filter((m) => names.includes(m.name))
}
