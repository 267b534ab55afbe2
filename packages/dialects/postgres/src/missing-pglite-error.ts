/** PGlite or its Kysely dialect is not installed: the message names the packages to add. */
export class MissingPgliteError extends Error {
  override readonly name = 'MissingPgliteError'
}

/** `cause` as thrown, unless it says that optional package `name` is not installed. */
export function missingPglitePeer(name: string, cause: unknown): unknown {
  const code = (cause as { code?: unknown } | null)?.code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return cause
  return new MissingPgliteError(
    `createPgliteDb needs the optional package ${name}: install it with \`npm install @electric-sql/pglite@^0.4 kysely-pglite-dialect\` (Kysely 0.28) or \`npm install @electric-sql/pglite@^0.4\` (Kysely 0.29 and later, which has its own PGliteDialect)`,
    { cause },
  )
}
