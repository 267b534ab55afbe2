import type { Dialect } from 'kysely'
import type { PgliteInstance } from './connections.ts'
import { MissingPgliteError } from './missing-pglite-error.ts'

/** Kysely ≥ 0.29 ships `PGliteDialect({ pglite })`; 0.28 does not, so its type is declared here. */
type BuiltinPgliteDialect = new (config: { pglite: PgliteInstance }) => Dialect

/**
 * The PGlite embedding: `PGlite.create` from `@electric-sql/pglite`, an optional peer loaded only
 * when someone asks for PGlite, so a pg-only app neither installs nor loads it.
 */
export async function loadPglite(): Promise<typeof import('@electric-sql/pglite').PGlite> {
  try {
    return (await import('@electric-sql/pglite')).PGlite
  } catch (error) {
    throw missing('@electric-sql/pglite', error)
  }
}

/**
 * A Kysely dialect on a PGlite instance: Kysely's own `PGliteDialect` where this Kysely has one
 * (0.29 and later), else `kysely-pglite-dialect` (for Kysely 0.28, with PGlite 0.4).
 */
export async function pgliteDialect(pglite: PgliteInstance): Promise<Dialect> {
  // A namespace read by name: the export exists only in some Kysely versions.
  const kysely: Readonly<Record<string, unknown>> = await import('kysely')
  const Builtin = kysely.PGliteDialect as BuiltinPgliteDialect | undefined
  if (typeof Builtin === 'function') return new Builtin({ pglite })
  try {
    const { PGliteDialect } = await import('kysely-pglite-dialect')
    return new PGliteDialect(pglite as never)
  } catch (error) {
    throw missing('kysely-pglite-dialect', error)
  }
}

function missing(name: string, cause: unknown): Error {
  const code = (cause as { code?: unknown } | null)?.code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return cause as Error
  return new MissingPgliteError(
    `createPgliteDb needs the optional package ${name}: install it with \`npm install @electric-sql/pglite@^0.4 kysely-pglite-dialect\` (Kysely 0.28) or \`npm install @electric-sql/pglite@^0.4\` (Kysely 0.29 and later, which has its own PGliteDialect)`,
    { cause },
  )
}
