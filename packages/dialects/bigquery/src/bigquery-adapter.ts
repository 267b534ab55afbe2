import { DialectAdapterBase, type Kysely } from 'kysely'

/**
 * BigQuery's transactions (run in a session by the driver) take DML and temporary tables only, not
 * DDL on permanent tables; it has no RETURNING and no migration locks.
 */
export class BigQueryAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return false
  }

  override get supportsReturning(): boolean {
    return false
  }

  /** Takes no lock. */
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's DialectAdapter signature
  override async acquireMigrationLock(_db: Kysely<any>): Promise<void> {
    // Migrations on BigQuery are not coordinated: a single runner is assumed.
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's DialectAdapter signature
  override async releaseMigrationLock(_db: Kysely<any>): Promise<void> {}
}
