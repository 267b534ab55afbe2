import type { Dialect } from 'kysely'
import type { PgliteInstance } from './connections.ts'
import { missingPglitePeer } from './missing-pglite-error.ts'

/** Kysely ≥ 0.29 ships `PGliteDialect({ pglite })`; 0.28 does not, so its type is declared here. */
type BuiltinPgliteDialect = new (config: { pglite: PgliteInstance }) => Dialect

/**
 * A Kysely dialect on a PGlite instance: Kysely's own `PGliteDialect` where this Kysely has one
 * (0.29 and later), else `kysely-pglite-dialect` (for Kysely 0.28, with PGlite 0.4), an optional
 * peer loaded only here.
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
    throw missingPglitePeer('kysely-pglite-dialect', error)
  }
}
