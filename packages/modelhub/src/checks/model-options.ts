import { invalid } from '@kysely-modelhub/core'

/**
 * Run-time checks of a model's options, for callers the compiler does not see (JavaScript, JSON
 * configuration, the CLI): an unknown key or a value of the wrong kind is an error naming the
 * option and what is valid, never a silently different query.
 */

/** What is wrong with a value (what would be valid), or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined

/**
 * One entry per option of `T`, so a new option cannot be forgotten here: its check, or `null`
 * where the model checks the value itself (with a message of its own).
 */
export type OptionChecks<T> = { readonly [K in keyof T & string]-?: OptionCheck | null }

/** Throws a ModelHubInputError for an unknown option or a value its check refuses; `undefined` values are defaults. */
export function checkOptions<T>(where: string, options: unknown, checks: OptionChecks<T>): void {
  if (options === undefined) return
  const known = Object.keys(checks)
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalid(`${where} options`, options, `expected an object with some of ${list(known)}`)
  }
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(checks, key)) {
      const near = known.find((k) => looksLike(k, key))
      invalid(
        `${where}: unknown option "${key}"`,
        value,
        `${near ? `did you mean "${near}"? ` : ''}valid options are ${list(known)}`,
      )
    }
    if (value === undefined) continue
    const problem = (checks as Record<string, OptionCheck | null>)[key]?.(value)
    if (problem !== undefined) invalid(`${where} option "${key}"`, value, problem)
  }
}

const list = (keys: readonly string[]): string => keys.map((k) => `"${k}"`).join(', ') || 'none'

/** A likely typo: the same letters in another case, or one name the start of the other. */
function looksLike(known: string, given: string): boolean {
  const a = known.toLowerCase()
  const b = given.toLowerCase().replaceAll('_', '')
  return a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a)))
}

export const isBoolean: OptionCheck = (value) => (typeof value === 'boolean' ? undefined : 'expected true or false')

export const isText: OptionCheck = (value) =>
  typeof value === 'string' && value.length > 0 ? undefined : 'expected a non-empty string'

export const isFunction: OptionCheck = (value) => (typeof value === 'function' ? undefined : 'expected a function')
