import { ModelHub } from '@kysely-modelhub/modelhub'
import { postgres } from '@kysely-modelhub/postgres'
import type { Kysely } from 'kysely'
import type { Database } from './database.js'

/** The hub an app makes on its own Kysely: engine named, its table named. */
export function hubOn(db: Kysely<Database>) {
  return new ModelHub(db, {
    engine: postgres,
    table: 'analytics_events',
    globalContexts: ['application'],
  }).addConversionEvent({
    name: 'quickstart_presses',
    eventType: 'PressEvent',
    locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
  })
}

/** Every kind of result column: counts, ratios, days, instants, text, booleans, JSON. */
export async function runModels(db: Kysely<Database>) {
  const hub = hubOn(db)
  const events = hub.events()
  const newUsers = hub.map.isNewUser(events).where('is_new_user', '=', true)
  return {
    firstEvents: await events
      .select(['event_id', 'day', 'moment', 'user_id', 'event_type', 'session_id', 'session_hit_number'])
      .orderBy('moment')
      .orderBy('event_id')
      .limit(5)
      .execute(),
    uniqueUsers: await hub.agg.uniqueUsers(events).orderBy('time_aggregation').execute(),
    uniqueSessions: await hub.agg.uniqueSessions(events, { groupBy: null }).execute(),
    // Ordered: without ORDER BY the months come in the order of the plan, which differs between databases.
    sessionDuration: await hub.agg
      .sessionDuration(events, { groupBy: { timeAggregation: '%Y-%m' } })
      .orderBy('time_aggregation')
      .execute(),
    frequency: await hub.agg.frequency(events).orderBy('session_id_nunique').execute(),
    retention: await hub.agg
      .retentionMatrix(events, { timePeriod: 'monthly', percentage: true })
      .orderBy('first_cohort')
      .orderBy('period')
      .execute(),
    newUserShare: await hub
      .divide(hub.agg.uniqueUsers(newUsers), hub.agg.uniqueUsers(events))
      .orderBy('time_aggregation')
      .execute(),
    conversions: await hub.map
      .conversionsInTime(events, 'quickstart_presses')
      .select(['event_id', 'conversions_in_time'])
      .where('conversions_in_time', '>', 0)
      .orderBy('event_id')
      .limit(5)
      .execute(),
    topFeatures: await hub.agg.topProductFeatures(events).limit(3).execute(),
    // Formatted: the packed hub loads sql-formatter only here, on the first formatted export.
    exportedSql: hub.toSql(hub.agg.uniqueUsers(events), { inlineParameters: true }),
  }
}
