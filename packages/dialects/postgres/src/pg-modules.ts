import { createRequire } from 'node:module'
import type pg from 'pg'
import type Cursor from 'pg-cursor'

/** pg and pg-cursor, as {@link pgModules} loads them. */
export interface PgModules {
  readonly pg: typeof pg
  readonly Cursor: typeof Cursor
}

let loaded: PgModules | undefined

/**
 * pg and pg-cursor, loaded when the first Kysely on a Postgres server is made rather than with this
 * package: an app on PGlite, and the CLI's embedded runs, never pay the 0.05–0.1 s they take to
 * load. Both are CommonJS, so `require` loads them synchronously (the same instances an app's own
 * `import pg from 'pg'` gets).
 */
export function pgModules(): PgModules {
  if (!loaded) {
    const require = createRequire(import.meta.url)
    loaded = { pg: require('pg') as typeof pg, Cursor: require('pg-cursor') as typeof Cursor }
  }
  return loaded
}
