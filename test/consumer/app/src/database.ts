import type { Generated } from 'kysely'

/**
 * The app's own database, as an app that adopts kysely-modelhub already has it: its own `events`
 * and `result` tables (names the hub uses as aliases), a text-keyed `users` table, and the raw
 * Objectiv events under a name of its choosing.
 */
export interface Database {
  events: { id: Generated<number>; title: string; starts_at: Date }
  result: { id: Generated<number>; score: number }
  users: { id: string; plan: string }
  analytics_events: { event_id: string; day: string; moment: Date; cookie_id: string; value: unknown }
}
