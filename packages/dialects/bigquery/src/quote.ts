import { assertText } from '@kysely-modelhub/core'

/**
 * GoogleSQL escapes for the body of a quoted string or identifier: they share one escape syntax
 * (backslash, never doubled quotes). Quotes, backticks and backslashes are escaped, and so is every
 * control character, because a single-quoted literal may not span lines.
 */
function escapeBody(value: string): string {
  let out = ''
  for (const char of value) {
    const code = char.codePointAt(0) as number
    if (char === '\\' || char === "'" || char === '"' || char === '`') out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += char
  }
  return out
}

/**
 * The audited escaping function of the bigquery engine: any text as a GoogleSQL string literal
 * (`'it\'s'`). Rejects NUL and lone surrogates, which no engine stores.
 */
export function quoteBigQueryString(value: string): string {
  assertText('SQL string value', value)
  return `'${escapeBody(value)}'`
}

/** The inside of a backtick-quoted GoogleSQL identifier (without the backticks). */
export function escapeBigQueryIdentifier(name: string): string {
  assertText('SQL identifier', name)
  if (name.length === 0) throw new Error('BigQuery identifiers cannot be empty')
  return escapeBody(name)
}
