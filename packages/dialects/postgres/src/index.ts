export {
  type Connection,
  connectionOf,
  type PgliteInstance,
  type PgliteQueryable,
  type PgliteQueryOptions,
  rememberConnection,
} from './connections.ts'
export { createPgliteDb, type PgliteDbOptions } from './create-pglite-db.ts'
export { createPostgresDb, type PostgresDbOptions } from './create-postgres-db.ts'
// For work on a pg client that Kysely cannot express (COPY in @kysely-modelhub/sample-data): errors
// mapped as the hub maps them, and a client held so that losing it fails the work, not the process.
export { connectionLost, toConnectError, toQueryError } from './database-errors.ts'
export { type HeldClient, holdClient } from './held-client.ts'
export { MissingPgliteError } from './missing-pglite-error.ts'
export { postgres } from './postgres-engine.ts'
export { quotePostgresString } from './quote.ts'
