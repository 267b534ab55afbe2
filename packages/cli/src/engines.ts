import type { BigQueryDialectConfig } from '@kysely-modelhub/bigquery'
import type { Engine } from '@kysely-modelhub/core'
import type { Kysely } from 'kysely'
import { CliError } from './database.ts'

export const ENGINE_NAMES = ['postgres', 'bigquery'] as const
export type EngineName = (typeof ENGINE_NAMES)[number]

/** A Kysely that compiles an engine's SQL and never connects, with the engine, for `sql`. */
export interface OfflineEngine {
  // biome-ignore lint/suspicious/noExplicitAny: any database (Kysely is invariant in it), as callers of this public type query it
  readonly db: Kysely<any>
  readonly engine: Engine
}

/**
 * The engine to print SQL for. Postgres compiles with Kysely's own Postgres compiler on a driver
 * that never connects; BigQuery with the GoogleSQL compiler of @kysely-modelhub/bigquery, likewise.
 */
export async function offlineEngine(name: string): Promise<OfflineEngine> {
  // Loaded here, not at startup: --help needs neither Kysely nor an engine.
  const { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } = await import('kysely')
  if (name === 'postgres') {
    const { postgres } = await import('@kysely-modelhub/postgres')
    const db = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    })
    return { db, engine: postgres }
  }
  if (name === 'bigquery') {
    // Loaded only here: it brings the Google Cloud client along.
    const { BigQueryAdapter, BigQueryDialect, BigQueryQueryCompiler, bigquery } = await import(
      '@kysely-modelhub/bigquery'
    )
    const db = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new BigQueryAdapter(),
        createDriver: () => new DummyDriver(),
        // Only to say that BigQuery has no introspection: it reads no config.
        createIntrospector: (k) => new BigQueryDialect({} as BigQueryDialectConfig).createIntrospector(k),
        createQueryCompiler: () => new BigQueryQueryCompiler(),
      },
    })
    return { db, engine: bigquery }
  }
  throw new CliError(`invalid --engine ${JSON.stringify(name)}: expected one of ${ENGINE_NAMES.join(', ')}`)
}
