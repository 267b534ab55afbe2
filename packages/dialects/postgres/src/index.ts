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
export { MissingPgliteError } from './missing-pglite-error.ts'
export { postgres } from './postgres-engine.ts'
export { quotePostgresString } from './quote.ts'
