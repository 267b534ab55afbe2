/** Raised when a value given to an operator or option cannot be turned into correct SQL. */
export class ModelHubInputError extends Error {
  override readonly name = 'ModelHubInputError'
}

/** Throws a {@link ModelHubInputError} naming what was wrong and what is accepted. */
export function invalid(what: string, got: unknown, valid: string): never {
  throw new ModelHubInputError(`${what}: got ${describe(got)}; ${valid}`)
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number' || typeof value === 'function' || typeof value === 'symbol') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
