import type { StrftimeCode, TimeFormat } from '@kysely-modelhub/core'

/**
 * strftime codes as FORMAT_TIMESTAMP elements; `null` marks %f, which GoogleSQL prints only
 * together with the seconds (%E6S is 'SS.ffffff'), so it is a piece of its own.
 */
const FORMAT_ELEMENT: Record<StrftimeCode, string | null> = {
  Y: '%Y',
  m: '%m',
  d: '%d',
  H: '%H',
  M: '%M',
  S: '%S',
  f: null,
  y: '%y',
  j: '%j',
  b: '%b',
  h: '%b',
  B: '%B',
  a: '%a',
  A: '%A',
  w: '%w',
  V: '%V',
  G: '%G',
  u: '%u',
  F: '%F',
  T: '%T',
}

/** A piece of the output: a FORMAT_TIMESTAMP format, or the microseconds (%f). */
export type BigQueryTimePiece = { readonly format: string } | { readonly micros: true }

/** Splits a parsed format into FORMAT_TIMESTAMP formats; literal `%` is written `%%`. */
export function formatTimestampPieces(format: TimeFormat): BigQueryTimePiece[] {
  const pieces: BigQueryTimePiece[] = []
  let current = ''
  for (const part of format.parts) {
    if ('literal' in part) {
      current += part.literal.replaceAll('%', '%%')
      continue
    }
    const element = FORMAT_ELEMENT[part.code]
    if (element === null) {
      if (current) pieces.push({ format: current })
      current = ''
      pieces.push({ micros: true })
    } else {
      current += element
    }
  }
  if (current) pieces.push({ format: current })
  return pieces
}
