/** PGlite or its Kysely dialect is not installed: the message names the packages to add. */
export class MissingPgliteError extends Error {
  override readonly name = 'MissingPgliteError'
}
