import type { Kysely } from 'kysely'
import type { Engine } from './engine.ts'

/**
 * Engines by the adapter of the Kysely they were remembered for. Kysely hands its adapter on to
 * every copy it makes (`transaction()`, `withSchema()`, `withPlugin()`, `connection()`), and each
 * new Kysely gets its own: so the copies of our Kysely find the engine, and no other Kysely does.
 */
const engines = new WeakMap<object, Engine>()

// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
const familyOf = (db: Kysely<any>): object => db.getExecutor().adapter

/** Remembers which engine a Kysely speaks, so a model hub on it (or on its copies) needs no `engine` option. */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function rememberEngine<K extends Kysely<any>>(db: K, engine: Engine): K {
  engines.set(familyOf(db), engine)
  return db
}

/** The engine remembered for a Kysely or the Kysely it was copied from (createPostgresDb, createPgliteDb, …), if any. */
// biome-ignore lint/suspicious/noExplicitAny: any Kysely, whatever its database (Kysely is invariant in it)
export function engineOf(db: Kysely<any>): Engine | undefined {
  return engines.get(familyOf(db))
}
