import { ModelHub, type SqlExportable } from '@kysely-modelhub/modelhub'
import type { CompiledQuery, Kysely } from 'kysely'

/** A hub over the sample data with the contexts and the conversion the model list uses. */
export function sampleHub(db: Kysely<any>, options: object = {}) {
  return new ModelHub(db, { globalContexts: ['application', 'http'], ...options }).addConversionEvent({
    name: 'presses',
    eventType: 'PressEvent',
  })
}

type Hub = ReturnType<typeof sampleHub>
const overlay = { _type: 'OverlayContext', id: 'hamburger-menu' }

/** Every model of docs/models.md, with its options exercised, as a query over the hub's events. */
export const EVERY_MODEL: Record<
  string,
  (h: Hub) => SqlExportable & { compile(): CompiledQuery; execute(): Promise<unknown[]> }
> = {
  events: (h) => h.events(),
  'events, windowed': (h) => h.events({ startDate: '2022-03-02', endDate: '2022-03-04' }),
  'map.isFirstSession': (h) => h.map.isFirstSession(h.events()),
  'map.isNewUser': (h) => h.map.isNewUser(h.events()),
  'map.isConversionEvent': (h) => h.map.isConversionEvent(h.events(), 'presses'),
  'map.conversionsCounter': (h) => h.map.conversionsCounter(h.events(), 'presses'),
  'map.conversionsInTime': (h) => h.map.conversionsInTime(h.events(), 'presses'),
  'map.preConversionHitNumber': (h) => h.map.preConversionHitNumber(h.events(), 'presses'),
  'map.timeAgg': (h) => h.map.timeAgg(h.events(), { timeAggregation: '%Y-W%V %H:%M:%S.%f' }),
  'agg.uniqueUsers': (h) => h.agg.uniqueUsers(h.events()),
  'agg.uniqueUsers by application and location stack': (h) =>
    h.agg.uniqueUsers(h.events(), { groupBy: ['application', 'location_stack'] }),
  'agg.uniqueSessions': (h) => h.agg.uniqueSessions(h.events(), { groupBy: ['application', 'event_type'] }),
  'agg.sessionDuration': (h) => h.agg.sessionDuration(h.events()),
  'agg.sessionDuration, sum': (h) =>
    h.agg.sessionDuration(h.events(), { method: 'sum', excludeBounces: false, groupBy: null }),
  'agg.frequency': (h) => h.agg.frequency(h.events()),
  'agg.retentionMatrix': (h) => h.agg.retentionMatrix(h.events(), { timePeriod: 'weekly' }),
  'agg.retentionMatrix, recurring': (h) =>
    h.agg.retentionMatrix(h.events(), {
      timePeriod: 'weekly',
      mode: 'recurring',
      eventType: 'ApplicationLoadedEvent',
      returnEventType: 'PressEvent',
      startDate: '2022-03-02',
    }),
  'agg.retentionMatrix, elapsed': (h) =>
    h.agg.retentionMatrix(h.events(), {
      timePeriod: 'daily',
      periods: 'elapsed',
      percentage: true,
      endDate: '2022-03-20',
    }),
  'agg.retentionMatrix, recurring elapsed': (h) =>
    h.agg.retentionMatrix(h.events(), {
      timePeriod: 'daily',
      mode: 'recurring',
      periods: 'elapsed',
      eventType: 'PressEvent',
    }),
  'agg.lifecycle': (h) => h.agg.lifecycle(h.events(), { period: 'daily' }),
  'agg.stickiness': (h) => h.agg.stickiness(h.events(), { interval: 'week', groupBy: 'application' }),
  'agg.topProductFeatures': (h) => h.agg.topProductFeatures(h.events()),
  'agg.topProductFeaturesBeforeConversion': (h) => h.agg.topProductFeaturesBeforeConversion(h.events(), 'presses'),
  'agg.dropOffLocations': (h) => h.agg.dropOffLocations(h.events(), { groupBy: 'application', percentage: true }),
  'agg.funnelConversion': (h) => h.agg.funnelConversion(h.events(), { groupBy: 'application' }),
  'funnel.navigationPaths': (h) => h.funnel.navigationPaths(h.events(), { steps: 3, by: ['session_id'] }),
  'funnel.orderedSteps': (h) =>
    h.funnel.orderedSteps(h.events(), {
      steps: [overlay, overlay, (eb: any) => eb('event_type', '=', 'PressEvent')],
      conversionWindowSeconds: 86_400,
      groupBy: { timeAggregation: '%Y-%m-%d' },
    }),
  'funnel.orderedSteps, strict': (h) =>
    h.funnel.orderedSteps(h.events(), {
      steps: [overlay, overlay, (eb: any) => eb('event_type', '=', 'PressEvent')],
      order: 'strict',
      conversionWindowSeconds: 86_400,
    }),
  'funnel.orderedSteps, unordered': (h) =>
    h.funnel.orderedSteps(h.events(), {
      steps: [overlay, overlay, (eb: any) => eb('event_type', '=', 'PressEvent')],
      order: 'unordered',
      conversionWindowSeconds: 86_400,
      groupBy: { timeAggregation: '%Y-W%V' },
    }),
  'funnel.timeToConvert': (h) =>
    h.funnel.timeToConvert(h.events(), {
      steps: [overlay, (eb: any) => eb('event_type', '=', 'PressEvent')],
      conversionWindowSeconds: 86_400,
    }),
  divide: (h) =>
    h.divide(
      h.agg.uniqueUsers(h.map.isNewUser(h.events()).where('is_new_user', '=', true)),
      h.agg.uniqueUsers(h.events()),
    ),
}

/**
 * Rows as a sorted list of JSON texts: equal for the same rows in any order. Floats are rounded to 12
 * significant digits: a sum or mean differs in its last bits with the number of parallel workers the
 * server could start for that run (so under load).
 */
export const canonical = (rows: readonly unknown[]): string[] =>
  rows
    .map((row) =>
      JSON.stringify(row, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)),
    )
    .sort()
