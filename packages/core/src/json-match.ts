import { invalid } from './errors.ts'

/** A scalar JSON value that a match compares against. */
export type JsonScalar = string | number | boolean | null

/**
 * Selects elements of a JSON array of objects: an element matches when every key of the
 * match is present in it with an equal value (JSON equality: `1` equals `1.0`, `"1"` does not
 * equal `1`). Values are scalars, so there is no partial matching of nested arrays or objects.
 * The same rule holds on every engine.
 *
 * @example const quickstartLink: JsonMatch = { _type: 'LinkContext', id: 'Quickstart Guide' }
 */
export type JsonMatch = Readonly<Record<string, JsonScalar>>

/** Validates a match at run time (untyped callers) and returns its entries in key order. */
export function matchEntries(match: JsonMatch): [string, JsonScalar][] {
  if (match === null || typeof match !== 'object' || Array.isArray(match)) {
    invalid('location match', match, 'expected an object of scalar values like { _type: "LinkContext", id: "home" }')
  }
  const entries = Object.entries(match)
  if (entries.length === 0) {
    invalid('location match', match, 'give at least one key, e.g. { _type: "LinkContext" }')
  }
  for (const [key, value] of entries) {
    assertText(`location match key`, key)
    if (typeof value === 'string') assertText(`location match value for "${key}"`, value)
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) invalid(`location match value for "${key}"`, value, 'numbers must be finite')
    } else if (typeof value !== 'boolean' && value !== null) {
      invalid(`location match value for "${key}"`, value, 'values must be strings, finite numbers, booleans or null')
    }
  }
  return entries
}

/** Does a plain JS value satisfy the match? The reference the SQL of every engine must agree with. */
export function matchesJs(element: unknown, match: JsonMatch): boolean {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return false
  const record = element as Record<string, unknown>
  return Object.entries(match).every(([key, value]) => Object.hasOwn(record, key) && record[key] === value)
}

/** Text that can reach SQL: well-formed Unicode without NUL (no engine stores NUL in text). */
export function assertText(what: string, value: string): void {
  if (typeof value !== 'string') invalid(what, value, 'expected a string')
  if (value.includes('\u0000')) invalid(what, value, 'text may not contain the NUL character')
  if (!value.isWellFormed()) invalid(what, value, 'text must be well-formed Unicode (no lone surrogates)')
}
