import type { StrftimeCode, TimeFormat } from '@kysely-modelhub/core'

/** strftime codes as Postgres `to_char` patterns; `null` marks codes to_char cannot print. */
const TO_CHAR: Record<StrftimeCode, string | null> = {
  Y: 'YYYY',
  m: 'MM',
  d: 'DD',
  H: 'HH24',
  M: 'MI',
  S: 'SS',
  f: 'US',
  y: 'YY',
  j: 'DDD',
  b: 'Mon',
  h: 'Mon',
  B: 'FMMonth',
  a: 'Dy',
  A: 'FMDay',
  // to_char's D counts Sunday as 1; strftime's %w counts it as 0, so it is computed apart.
  w: null,
  V: 'IW',
  G: 'IYYY',
  u: 'ID',
  F: 'YYYY-MM-DD',
  T: 'HH24:MI:SS',
}

/** A piece of the output: a to_char pattern, or the weekday number (%w). */
export type PostgresTimePiece = { readonly pattern: string } | { readonly weekday: true }

/**
 * Splits a parsed format into to_char patterns. Codes are separated by `""` so neighbours cannot
 * merge into another pattern (`DD` + `DDD` is not `DDDDD`); literals are double-quoted with `\`
 * escaping, as to_char wants.
 */
export function toCharPieces(format: TimeFormat): PostgresTimePiece[] {
  const pieces: PostgresTimePiece[] = []
  let pattern = ''
  for (const part of format.parts) {
    if ('literal' in part) {
      pattern += `"${part.literal.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
      continue
    }
    const code = TO_CHAR[part.code]
    if (code === null) {
      if (pattern) pieces.push({ pattern })
      pattern = ''
      pieces.push({ weekday: true })
      continue
    }
    pattern += pattern.endsWith('"') || pattern === '' ? code : `""${code}`
  }
  if (pattern) pieces.push({ pattern })
  return pieces
}
