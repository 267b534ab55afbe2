/**
 * What every `@example` in the packages' doc comments may use without declaring it: the public
 * packages' exports, and the few values an app would already have in hand. `pnpm check:examples`
 * (scripts/check-examples.ts) type-checks each example with these names in scope, plus the exports
 * of the file the example documents. Nothing here runs.
 */
import type { EventRow, ModelHub } from '@kysely-modelhub/modelhub'
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely'

export { writeFileSync } from 'node:fs'
export * from '@kysely-modelhub/bigquery'
export * from '@kysely-modelhub/charts'
export * from '@kysely-modelhub/core'
export * from '@kysely-modelhub/modelhub'
export * from '@kysely-modelhub/postgres'
export * from '@kysely-modelhub/sample-data'
export { Kysely, sql } from 'kysely'

/** An app's tables as its Kysely knows them: Objectiv's raw events table `data`. */
export interface Database {
  data: { event_id: string; day: string; moment: Date; cookie_id: string; value: string }
}
export type DB = Database

export declare const db: Kysely<Database>
export declare const projectId: string
/** A hub with the application context and the notebook's conversion. */
export declare const hub: ModelHub<Database, readonly ['application'], 'quickstart_presses'>
/** A query over the hub's events; `newUsers` keeps only new users' events. */
export declare const events: ReturnType<typeof hub.events>
export declare const newUsers: ReturnType<typeof hub.events>
/** Navigation paths as read from the database. */
export declare const rows: Awaited<ReturnType<ReturnType<typeof hub.funnel.navigationPaths>['execute']>>
/** Building an expression over the events: their columns plus a boolean `is_start`. */
export declare const eb: ExpressionBuilder<{ events: EventRow<'application'> & { is_start: boolean } }, 'events'>
/** A query over events with features per row: two counts and whether the user converted. */
export declare const q: SelectQueryBuilder<
  { events: EventRow<'application'> },
  'events',
  { user_id: string | null; n_events: number; n_press: number; converted: boolean }
>
