import type { Kysely } from 'kysely'
import type { Engine } from './engine.ts'

const engines = new WeakMap<Kysely<any>, Engine>()

/** Remembers which engine a Kysely speaks, so a model hub on it needs no `engine` option. */
export function rememberEngine<K extends Kysely<any>>(db: K, engine: Engine): K {
  engines.set(db, engine)
  return db
}

/** The engine remembered for a Kysely (created by createPostgresDb, createPgliteDb, …), if any. */
export function engineOf(db: Kysely<any>): Engine | undefined {
  return engines.get(db)
}
