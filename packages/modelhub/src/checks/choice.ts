import { invalid } from '@kysely-modelhub/core'

/**
 * An option that picks one entry of a table (a period, an interval): the value as a key of `table`, or a
 * ModelHubInputError naming the option and listing the keys.
 */
export function choiceOf<K extends string>(option: string, value: unknown, table: Readonly<Record<K, unknown>>): K {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return value as K
  return invalid(
    option,
    value,
    `expected one of ${Object.keys(table)
      .map((key) => `"${key}"`)
      .join(', ')}`,
  )
}
