export { createPgliteDb, type PgliteDbOptions } from './create-pglite-db.ts'
export { createPostgresDb, type PostgresDbOptions } from './create-postgres-db.ts'
export { postgres } from './postgres-engine.ts'
export { quotePostgresString } from './quote.ts'
