import type { TestProject } from 'vitest/node'
import { findPostgresBinaries, type PostgresCluster, startPostgresCluster } from './postgres-cluster.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a server where each test file may create its own database; '' when none. */
    postgresUrl: string
    engines: string[]
  }
}

/**
 * Decides which engines the behavioural suite runs on and says so. PGlite always runs; Postgres
 * runs on DATABASE_URL, else on a throwaway cluster from the installed binaries. Engines named in
 * REQUIRE_ENGINES must be there: a missing one fails the run instead of being left out.
 */
export default function setup(project: TestProject): () => void {
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
  const engines = ['pglite', ...(postgresUrl ? ['postgres'] : [])]
  const required = (process.env.REQUIRE_ENGINES ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  const missing = required.filter((engine) => !engines.includes(engine))
  if (missing.length > 0) {
    cluster?.stop()
    throw new Error(
      `REQUIRE_ENGINES names ${missing.join(', ')}, which this machine cannot run (available: ${engines.join(', ')})`,
    )
  }
  console.log(
    `behavioural suite engines: pglite (embedded)${postgresUrl ? `, postgres (${where})` : ' — postgres: no server binaries and no DATABASE_URL'}`,
  )
  project.provide('postgresUrl', postgresUrl)
  project.provide('engines', engines)
  return () => cluster?.stop()
}
