import type { TestProject } from 'vitest/node'
import { findPostgresBinaries, type PostgresCluster, startPostgresCluster } from './postgres-cluster.ts'
import { hasTzdata, startZetaSqlServer, type ZetaSqlServer, zetaSqlBinary } from './zetasql-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a server where each test file may create its own database; '' when none. */
    postgresUrl: string
    /** Port of the local ZetaSQL server that runs the bigquery engine's SQL; 0 when none. */
    zetasqlPort: number
    engines: string[]
  }
}

/**
 * Decides which engines the behavioural suite runs on and says so. PGlite always runs; Postgres
 * runs on DATABASE_URL, else on a throwaway cluster from the installed binaries. Engines named in
 * REQUIRE_ENGINES must be there: a missing one fails the run instead of being left out.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  let cluster: PostgresCluster | undefined
  let postgresUrl = process.env.DATABASE_URL ?? ''
  let where = 'DATABASE_URL'
  if (!postgresUrl) {
    const binDir = findPostgresBinaries()
    if (binDir) {
      cluster = startPostgresCluster(binDir)
      postgresUrl = cluster.url
      where = `throwaway cluster, ${cluster.version}`
    }
  }
  // BigQuery's SQL runs on ZetaSQL's reference implementation, which needs the tz database.
  const binary = zetaSqlBinary()
  let zetasql: ZetaSqlServer | undefined
  try {
    zetasql = binary && hasTzdata() ? await startZetaSqlServer(binary) : undefined
  } catch (error) {
    cluster?.stop()
    throw error
  }
  const engines = ['pglite', ...(postgresUrl ? ['postgres'] : []), ...(zetasql ? ['bigquery'] : [])]
  const required = (process.env.REQUIRE_ENGINES ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  const missing = required.filter((engine) => !engines.includes(engine))
  if (missing.length > 0) {
    cluster?.stop()
    zetasql?.stop()
    throw new Error(
      `REQUIRE_ENGINES names ${missing.join(', ')}, which this machine cannot run (available: ${engines.join(', ')})`,
    )
  }
  console.log(
    `behavioural suite engines: pglite (embedded)${postgresUrl ? `, postgres (${where})` : ' — postgres: no server binaries and no DATABASE_URL'}${zetasql ? ', bigquery(zetasql)' : ` — bigquery: ${binary ? 'no tzdata' : 'no ZetaSQL server binary'}`}`,
  )
  console.log(
    process.env.BIGQUERY_PROJECT
      ? `live BigQuery: ${process.env.BIGQUERY_PROJECT}.${process.env.BIGQUERY_DATASET ?? '(no BIGQUERY_DATASET)'}`
      : 'live BigQuery: not configured (set BIGQUERY_PROJECT and BIGQUERY_DATASET to run test/live)',
  )
  project.provide('postgresUrl', postgresUrl)
  project.provide('zetasqlPort', zetasql?.port ?? 0)
  project.provide('engines', engines)
  return () => {
    cluster?.stop()
    zetasql?.stop()
  }
}
