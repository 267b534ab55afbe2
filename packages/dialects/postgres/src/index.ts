export { type Connection, connectionOf, rememberConnection } from './connections.ts'
export { createPgliteDb, type PgliteDbOptions } from './create-pglite-db.ts'
export { createPostgresDb, type PostgresDbOptions } from './create-postgres-db.ts'
export {
  createEventsTable,
  type EventsTableOptions,
  type LoadEventsOptions,
  loadEvents,
} from './load-events.ts'
export { type LoadSampleDataOptions, loadSampleData } from './load-sample-data.ts'
export { postgres } from './postgres-engine.ts'
export { quotePostgresString } from './quote.ts'
