import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely'

// The models run on the user's own database, whose type they cannot name. Kysely's types are
// invariant in the database (a Kysely<DB> is no Kysely<unknown>), so, as in Kysely's own helpers,
// `any` is the one way to accept every database: these aliases are where the models say so.

/** A select query over any database and tables whose rows have the columns `O` (any by default). */
// biome-ignore lint/suspicious/noExplicitAny: any database (see above); O defaults to any row
export type AnyQuery<O = any> = SelectQueryBuilder<any, any, O>

/** A Kysely over any database: the models name their own tables and subqueries. */
// biome-ignore lint/suspicious/noExplicitAny: any database (see above)
export type AnyKysely = Kysely<any>

/** Expressions over the rows of a subquery named `events`, whatever columns it has. */
// biome-ignore lint/suspicious/noExplicitAny: any database (see above)
export type EventsExpressionBuilder = ExpressionBuilder<any, 'events'>

/** Expressions over any tables of any database. */
// biome-ignore lint/suspicious/noExplicitAny: any database (see above)
export type AnyExpressionBuilder = ExpressionBuilder<any, any>
