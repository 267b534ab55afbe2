import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely'
import { BigQueryAdapter } from './bigquery-adapter.ts'
import { type BigQueryDialectConfig, BigQueryDriver } from './bigquery-driver.ts'
import { BigQueryQueryCompiler } from './bigquery-query-compiler.ts'

/**
 * A Kysely dialect for BigQuery on @google-cloud/bigquery 8: GoogleSQL compiler, typed named
 * parameters, streaming, and BigQuery sessions for a connection's temporary tables and
 * transactions (no savepoints).
 *
 * @example new Kysely<DB>({ dialect: new BigQueryDialect({ client: new BigQuery({ projectId }) }) })
 */
export class BigQueryDialect implements Dialect {
  readonly #config: BigQueryDialectConfig

  constructor(config: BigQueryDialectConfig) {
    this.#config = config
  }

  createDriver(): Driver {
    return new BigQueryDriver(this.#config)
  }

  createQueryCompiler(): QueryCompiler {
    return new BigQueryQueryCompiler()
  }

  createAdapter(): DialectAdapter {
    return new BigQueryAdapter()
  }

  /** Throws: introspection is not supported; INFORMATION_SCHEMA.COLUMNS lists the columns. */
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect signature
  createIntrospector(_db: Kysely<any>): DatabaseIntrospector {
    throw new Error('BigQuery introspection is not supported; query INFORMATION_SCHEMA.COLUMNS directly')
  }
}
