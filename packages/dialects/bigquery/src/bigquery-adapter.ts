import { DialectAdapterBase, type Kysely } from 'kysely'

/** BigQuery has neither transactions through this dialect, RETURNING, nor migration locks. */
export class BigQueryAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return false
  }

  override get supportsReturning(): boolean {
    return false
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's DialectAdapter signature
  override async acquireMigrationLock(_db: Kysely<any>): Promise<void> {
    // Migrations on BigQuery are not coordinated: a single runner is assumed.
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's DialectAdapter signature
  override async releaseMigrationLock(_db: Kysely<any>): Promise<void> {}
}
