import { invalid } from './errors.ts'

/**
 * A number of seconds that may be written into SQL as a literal: engines call this on what they
 * inline, so only a whole, non-negative number ever reaches the text.
 */
export function wholeSeconds(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    invalid('seconds', seconds, 'expected a whole number of seconds, 0 or more')
  return seconds
}
