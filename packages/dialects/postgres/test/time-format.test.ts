import { parseTimeFormat } from '@kysely-modelhub/core'
import { describe, expect, it } from 'vitest'
import { toCharPieces } from '../src/time-format.ts'

const pieces = (format: string) => toCharPieces(parseTimeFormat(format))

describe('toCharPieces', () => {
  it.each([
    ['%Y', 'YYYY'],
    ['%m', 'MM'],
    ['%d', 'DD'],
    ['%H', 'HH24'],
    ['%M', 'MI'],
    ['%S', 'SS'],
    ['%f', 'US'],
    ['%y', 'YY'],
    ['%j', 'DDD'],
    ['%b', 'Mon'],
    ['%h', 'Mon'],
    ['%B', 'FMMonth'],
    ['%a', 'Dy'],
    ['%A', 'FMDay'],
    ['%V', 'IW'],
    ['%G', 'IYYY'],
    ['%u', 'ID'],
    ['%F', 'YYYY-MM-DD'],
    ['%T', 'HH24:MI:SS'],
  ])('maps %s to the to_char pattern %s', (format, pattern) => {
    expect(pieces(format)).toEqual([{ pattern }])
  })

  it('computes %w apart, since to_char counts Sunday as 1', () => {
    expect(pieces('%w')).toEqual([{ weekday: true }])
  })

  it('separates adjacent codes with "" so they cannot merge into another pattern', () => {
    expect(pieces('%d%j')).toEqual([{ pattern: 'DD""DDD' }])
    expect(pieces('%H%M%S')).toEqual([{ pattern: 'HH24""MI""SS' }])
    expect(pieces('%Y%m%d')).toEqual([{ pattern: 'YYYY""MM""DD' }])
    expect(pieces('%y%y')).toEqual([{ pattern: 'YY""YY' }])
  })

  it('double-quotes literal text, so pattern letters in it print as they are', () => {
    expect(pieces('YYYY Day MM')).toEqual([{ pattern: '"YYYY Day MM"' }])
    expect(pieces('%Y-%m-%d')).toEqual([{ pattern: 'YYYY"-"MM"-"DD' }])
    expect(pieces('%dth')).toEqual([{ pattern: 'DD"th"' }])
    expect(pieces('at %H:%M')).toEqual([{ pattern: '"at "HH24":"MI' }])
  })

  it('escapes double quotes and backslashes in literal text with a backslash', () => {
    expect(pieces('a"b')).toEqual([{ pattern: '"a\\"b"' }])
    expect(pieces('a\\b')).toEqual([{ pattern: '"a\\\\b"' }])
    expect(pieces('\\"')).toEqual([{ pattern: '"\\\\\\""' }])
    expect(pieces(`'`)).toEqual([{ pattern: `"'"` }])
    expect(pieces('100%%')).toEqual([{ pattern: '"100%"' }])
    expect(pieces('é ✓ 😀')).toEqual([{ pattern: '"é ✓ 😀"' }])
  })

  it('splits the pattern around %w and keeps the order', () => {
    expect(pieces('%a %w %u')).toEqual([{ pattern: 'Dy" "' }, { weekday: true }, { pattern: '" "ID' }])
    expect(pieces('%w%w')).toEqual([{ weekday: true }, { weekday: true }])
    expect(pieces('%Y%w%d')).toEqual([{ pattern: 'YYYY' }, { weekday: true }, { pattern: 'DD' }])
  })
})
