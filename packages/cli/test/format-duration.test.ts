import { formatDuration } from '@kysely-modelhub/cli'
import { describe, expect, it } from 'vitest'

describe('formatDuration', () => {
  it('prints seconds as pandas prints a timedelta, to the millisecond', () => {
    expect(formatDuration(254.323667)).toBe('0 days 00:04:14.324')
    expect(formatDuration(2.9065)).toBe('0 days 00:00:02.907')
    expect(formatDuration(0)).toBe('0 days 00:00:00.000')
    expect(formatDuration(90_061.5)).toBe('1 days 01:01:01.500')
    expect(formatDuration(null)).toBe('NaT')
  })
})
