import type { EventsQuery, GroupBy, ModelHub } from '@kysely-modelhub/modelhub'
import type { SelectQueryBuilder } from 'kysely'
import { CliError } from './database.ts'
import { CONVERSION_COLUMN, parseSteps } from './funnel-step-flags.ts'

/** The model options the CLI takes, as parsed flags. */
export interface ModelFlags {
  readonly as?: string
  readonly partition?: string
  readonly modelTimeAggregation?: string
  readonly groupBy?: string
  readonly includeBounces?: boolean
  readonly method?: string
  readonly timePeriod?: string
  readonly eventType?: string
  readonly percentage?: boolean
  readonly retentionStartDate?: string
  readonly retentionEndDate?: string
  readonly mode?: string
  readonly periods?: string
  readonly returnEventType?: string
  readonly period?: string
  readonly interval?: string
  /** Funnel steps, in order (`--step`, repeatable; funnel-steps-funnel.ts). */
  readonly step?: readonly string[]
  readonly order?: string
  readonly conversionWindow?: number
  readonly fromStep?: number
  readonly toStep?: number
}

// ModelSpec is public: its hub is on any database (Kysely is invariant in it), its query has any model's rows.
// biome-ignore lint/suspicious/noExplicitAny: any database (see above)
type Hub = ModelHub<any, readonly string[], string>
// biome-ignore lint/suspicious/noExplicitAny: any database (see above)
type Events = EventsQuery<any, string>
// biome-ignore lint/suspicious/noExplicitAny: any database and tables, the rows of whichever model (see above)
type ModelQuery = SelectQueryBuilder<any, any, any>

export interface ModelSpec {
  /** The CLI name, kebab-case: 'unique-users'. */
  readonly name: string
  /** The API call it stands for: 'hub.agg.uniqueUsers'. */
  readonly call: string
  readonly kind: 'map' | 'agg' | 'funnel'
  readonly summary: string
  /** The model flags it takes (keys of {@link ModelFlags}). */
  readonly flags: readonly (keyof ModelFlags)[]
  readonly build: (hub: Hub, events: Events, flags: ModelFlags, conversion: string) => ModelQuery
}

/** `--group-by a,b` → ['a', 'b']; `--group-by none` → null (one row); `%…` items are time buckets. */
export function parseGroupBy(value: string | undefined): GroupBy<Record<string, unknown>> {
  if (value === undefined) return undefined
  if (value === 'none') return null
  const items = value.split(',').map((item) => item.trim())
  if (items.some((item) => item.length === 0)) {
    throw new CliError(
      `invalid --group-by ${JSON.stringify(value)}: expected column names separated by commas, or none`,
    )
  }
  const parsed = items.map((item) => (item.includes('%') ? { timeAggregation: item } : item))
  return parsed.length === 1 ? parsed[0] : parsed
}

function oneOf<T extends string>(flag: string, value: string | undefined, valid: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(valid as readonly string[]).includes(value)) {
    throw new CliError(`invalid --${flag} ${JSON.stringify(value)}: expected one of ${valid.join(', ')}`)
  }
  return value as T
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

/** The funnel options from --step, --order and --conversion-window, and the events the steps read. */
function funnelOf(hub: Hub, q: Events, f: ModelFlags, conversion: string) {
  const { steps, conversion: needsConversion } = parseSteps(f.step)
  // The conversion flag is one more column: the events' type, for the funnel, is unchanged.
  const events = (needsConversion ? hub.map.isConversionEvent(q, conversion, { as: CONVERSION_COLUMN }) : q) as Events
  return { events, options: defined({ steps, conversionWindowSeconds: f.conversionWindow }) }
}

const as = (f: ModelFlags) => defined({ as: f.as })
const partitioned = (f: ModelFlags) => defined({ as: f.as, partition: f.partition })

/** Every map helper and aggregation model, as the CLI names them. */
export const MODELS: readonly ModelSpec[] = [
  {
    name: 'is-first-session',
    call: 'hub.map.isFirstSession',
    kind: 'map',
    summary: "TRUE for every hit of the user's first session",
    flags: ['as'],
    build: (hub, q, f) => hub.map.isFirstSession(q, as(f)),
  },
  {
    name: 'is-new-user',
    call: 'hub.map.isNewUser',
    kind: 'map',
    summary: "TRUE for every hit in the time bucket of the user's first session",
    flags: ['as', 'modelTimeAggregation'],
    build: (hub, q, f) => hub.map.isNewUser(q, defined({ as: f.as, timeAggregation: f.modelTimeAggregation })),
  },
  {
    name: 'is-conversion-event',
    call: 'hub.map.isConversionEvent',
    kind: 'map',
    summary: 'whether the event is the conversion (--conversion-*)',
    flags: ['as'],
    build: (hub, q, f, c) => hub.map.isConversionEvent(q, c, as(f)),
  },
  {
    name: 'conversions-in-time',
    call: 'hub.map.conversionsInTime',
    kind: 'map',
    summary: 'conversions so far in the session (or --partition)',
    flags: ['as', 'partition'],
    build: (hub, q, f, c) => hub.map.conversionsInTime(q, c, partitioned(f)),
  },
  {
    name: 'conversions-counter',
    call: 'hub.map.conversionsCounter',
    kind: 'map',
    summary: 'conversions in the whole session (or --partition)',
    flags: ['as', 'partition'],
    build: (hub, q, f, c) => hub.map.conversionsCounter(q, c, partitioned(f)),
  },
  {
    name: 'pre-conversion-hit-number',
    call: 'hub.map.preConversionHitNumber',
    kind: 'map',
    summary: 'hits before the first conversion, counted back from it',
    flags: ['as', 'partition'],
    build: (hub, q, f, c) => hub.map.preConversionHitNumber(q, c, partitioned(f)),
  },
  {
    name: 'time-agg',
    call: 'hub.map.timeAgg',
    kind: 'map',
    summary: "the event's time bucket",
    flags: ['as', 'modelTimeAggregation'],
    build: (hub, q, f) => hub.map.timeAgg(q, defined({ as: f.as, timeAggregation: f.modelTimeAggregation })),
  },
  {
    name: 'unique-users',
    call: 'hub.agg.uniqueUsers',
    kind: 'agg',
    summary: 'distinct users per time bucket (or --group-by)',
    flags: ['groupBy'],
    build: (hub, q, f) => hub.agg.uniqueUsers(q, defined({ groupBy: parseGroupBy(f.groupBy) })),
  },
  {
    name: 'unique-sessions',
    call: 'hub.agg.uniqueSessions',
    kind: 'agg',
    summary: 'distinct sessions per time bucket (or --group-by)',
    flags: ['groupBy'],
    build: (hub, q, f) => hub.agg.uniqueSessions(q, defined({ groupBy: parseGroupBy(f.groupBy) })),
  },
  {
    name: 'session-duration',
    call: 'hub.agg.sessionDuration',
    kind: 'agg',
    summary: 'mean (or --method sum) session duration in seconds per time bucket',
    flags: ['groupBy', 'includeBounces', 'method'],
    build: (hub, q, f) =>
      hub.agg.sessionDuration(
        q,
        defined({
          groupBy: parseGroupBy(f.groupBy),
          excludeBounces: f.includeBounces ? false : undefined,
          method: oneOf('method', f.method, ['mean', 'sum'] as const),
        }),
      ),
  },
  {
    name: 'frequency',
    call: 'hub.agg.frequency',
    kind: 'agg',
    summary: 'how many users have N sessions',
    flags: [],
    build: (hub, q) => hub.agg.frequency(q),
  },
  {
    name: 'retention-matrix',
    call: 'hub.agg.retentionMatrix',
    kind: 'agg',
    summary: 'users per cohort and period since (long form)',
    flags: [
      'timePeriod',
      'eventType',
      'returnEventType',
      'mode',
      'periods',
      'percentage',
      'retentionStartDate',
      'retentionEndDate',
    ],
    build: (hub, q, f) =>
      hub.agg.retentionMatrix(
        q,
        defined({
          timePeriod: oneOf('time-period', f.timePeriod, ['daily', 'weekly', 'monthly', 'yearly'] as const),
          eventType: f.eventType,
          returnEventType: f.returnEventType,
          mode: oneOf('mode', f.mode, ['first_time', 'recurring'] as const),
          periods: oneOf('periods', f.periods, ['calendar', 'elapsed'] as const),
          percentage: f.percentage,
          startDate: f.retentionStartDate,
          endDate: f.retentionEndDate,
        }),
      ),
  },
  {
    name: 'lifecycle',
    call: 'hub.agg.lifecycle',
    kind: 'agg',
    summary: 'new, returning, resurrecting and dormant users per period',
    flags: ['period'],
    build: (hub, q, f) =>
      hub.agg.lifecycle(q, defined({ period: oneOf('period', f.period, ['daily', 'weekly', 'monthly'] as const) })),
  },
  {
    name: 'stickiness',
    call: 'hub.agg.stickiness',
    kind: 'agg',
    summary: 'how many users were active on exactly N days (weeks, months)',
    flags: ['interval', 'groupBy'],
    build: (hub, q, f) =>
      hub.agg.stickiness(
        q,
        defined({
          interval: oneOf('interval', f.interval, ['day', 'week', 'month'] as const) ?? 'day',
          groupBy: parseGroupBy(f.groupBy),
        }),
      ),
  },
  // These two read the application global context, which contextsOfModel adds to their hub at run time;
  // the hub's type (contexts from flags: readonly string[]) cannot show it, hence `q as never`.
  {
    name: 'top-product-features',
    call: 'hub.agg.topProductFeatures',
    kind: 'agg',
    summary: 'the features used most (needs --global-contexts application)',
    flags: ['eventType'],
    build: (hub, q, f) => hub.agg.topProductFeatures(q as never, defined({ eventType: f.eventType })),
  },
  {
    name: 'top-product-features-before-conversion',
    call: 'hub.agg.topProductFeaturesBeforeConversion',
    kind: 'agg',
    summary: 'the features used before converting (needs --global-contexts application)',
    flags: ['eventType'],
    build: (hub, q, f, c) =>
      hub.agg.topProductFeaturesBeforeConversion(q as never, c, defined({ eventType: f.eventType })),
  },
  {
    name: 'drop-off-locations',
    call: 'hub.agg.dropOffLocations',
    kind: 'agg',
    summary: 'the last location of each user, counted',
    flags: ['groupBy', 'percentage'],
    build: (hub, q, f) =>
      hub.agg.dropOffLocations(q, defined({ groupBy: parseGroupBy(f.groupBy), percentage: f.percentage })),
  },
  {
    name: 'funnel-conversion',
    call: 'hub.agg.funnelConversion',
    kind: 'agg',
    summary: 'per location: users reaching it and going on',
    flags: ['groupBy'],
    build: (hub, q, f) => hub.agg.funnelConversion(q, defined({ groupBy: parseGroupBy(f.groupBy) })),
  },
  {
    name: 'funnel-steps',
    call: 'hub.funnel.orderedSteps',
    kind: 'funnel',
    summary: 'users reaching each --step, in order (or --order strict, unordered)',
    flags: ['step', 'order', 'conversionWindow', 'groupBy'],
    build: (hub, q, f, c) => {
      const { events, options } = funnelOf(hub, q, f, c)
      const order = oneOf('order', f.order, ['ordered', 'strict', 'unordered'] as const)
      return hub.funnel.orderedSteps(events, defined({ ...options, order, groupBy: parseGroupBy(f.groupBy) }))
    },
  },
  {
    name: 'time-to-convert',
    call: 'hub.funnel.timeToConvert',
    kind: 'funnel',
    summary: 'per user, seconds from --from-step to --to-step of the funnel',
    flags: ['step', 'order', 'conversionWindow', 'fromStep', 'toStep'],
    build: (hub, q, f, c) => {
      const { events, options } = funnelOf(hub, q, f, c)
      const order = oneOf('order', f.order, ['ordered', 'strict'] as const)
      return hub.funnel.timeToConvert(events, defined({ ...options, order, fromStep: f.fromStep, toStep: f.toStep }))
    },
  },
]

/** The flag a model option is given with. */
export const FLAG_OF: Readonly<Record<keyof ModelFlags, string>> = {
  as: '--as',
  partition: '--partition',
  modelTimeAggregation: '--model-time-aggregation',
  groupBy: '--group-by',
  includeBounces: '--include-bounces',
  method: '--method',
  timePeriod: '--time-period',
  eventType: '--event-type',
  percentage: '--percentage',
  retentionStartDate: '--retention-start-date',
  retentionEndDate: '--retention-end-date',
  mode: '--mode',
  periods: '--periods',
  returnEventType: '--return-event-type',
  period: '--period',
  interval: '--interval',
  step: '--step',
  order: '--order',
  conversionWindow: '--conversion-window',
  fromStep: '--from-step',
  toStep: '--to-step',
}

/** The model of a CLI name ('unique-users'; 'uniqueUsers' and 'unique_users' are accepted too). */
export function modelNamed(name: string): ModelSpec {
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase()
  const spec = MODELS.find((model) => model.name === kebab)
  if (!spec) {
    throw new CliError(`unknown model ${JSON.stringify(name)}; expected one of ${MODELS.map((m) => m.name).join(', ')}`)
  }
  return spec
}

/** The model's options from the flags; a flag the model does not take is an error. */
export function modelFlagsFor(spec: ModelSpec, flags: ModelFlags): ModelFlags {
  for (const key of Object.keys(FLAG_OF) as (keyof ModelFlags)[]) {
    if (flags[key] !== undefined && !spec.flags.includes(key)) {
      const takes = spec.flags.map((k) => FLAG_OF[k]).join(', ') || 'no model options'
      throw new CliError(`option ${FLAG_OF[key]} does not apply to model ${spec.name} (it takes ${takes})`)
    }
  }
  return flags
}
