import type { Kysely } from 'kysely'
import type { Database } from './database.js'
import { hubOn } from './models.js'

/** What must and must not compile for the app (checked by tsc, never run). */
export function typeChecks(db: Kysely<Database>) {
  const hub = hubOn(db)
  const events = hub.events()
  // The hub's columns, not the app's own `events` table.
  events.select(['event_id', 'moment']).where('user_id', '=', 'someone')
  // @ts-expect-error the app's events.title is not a column of the hub's events
  events.select('title')
  // @ts-expect-error no such column
  events.where('session_idd', '=', 1)
  // The app's own tables still join: user_id is text, as the users' key.
  events.innerJoin('users', 'users.id', 'events.user_id').select(['users.plan', 'events.event_id'])
  hub.agg.uniqueUsers(events).select('unique_users')
  // @ts-expect-error the result has unique_users, not the app's result.score
  hub.agg.uniqueUsers(events).select('score')
  // @ts-expect-error an unknown conversion name
  hub.map.conversionsInTime(events, 'quickstart_pressez')
  const count: Promise<{ time_aggregation: string; unique_users: number }[]> = hub.agg.uniqueUsers(events).execute()
  return count
}
