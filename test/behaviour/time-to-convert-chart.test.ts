import { durationBins, timeToConvertSvg } from '@kysely-modelhub/charts'
import { describe, expect, it } from 'vitest'

const rows = [0, 9.999, 10, 45, 45, 3 * 3600].map((seconds, i) => ({ user_id: `u${i}`, seconds }))

describe('timeToConvertSvg (Apache ECharts, server-side SVG)', () => {
  it('counts users per duration bin, from the first to the last bin with users', () => {
    expect(durationBins(rows).map((bin) => [bin.label, bin.users])).toEqual([
      ['0 s–10 s', 2],
      ['10 s–30 s', 1],
      ['30 s–1 min', 2],
      ['1 min–5 min', 0],
      ['5 min–15 min', 0],
      ['15 min–1 h', 0],
      ['1 h–6 h', 1],
    ])
    expect(durationBins([{ seconds: 8 * 86_400 }])).toEqual([{ label: '≥ 7 d', from: 7 * 86_400, to: null, users: 1 }])
    expect(durationBins([])).toEqual([])
  })

  it('draws one labelled bar per bin', () => {
    const svg = timeToConvertSvg(rows, { title: 'Signup to first press', width: 640 })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('width="640"')
    for (const text of ['Signup to first press', '0 s–10 s', '1 h–6 h', 'users'])
      expect(svg).toContain(`>${text}</text>`)
    expect([...svg.matchAll(/ecmeta_ssr_type="chart"/g)].length).toBeGreaterThanOrEqual(7)
  })

  it('rejects a negative or missing duration', () => {
    expect(() => durationBins([{ seconds: -1 }])).toThrow(
      'time to convert seconds: got -1; expected a number of seconds, 0 or more',
    )
    expect(() => durationBins([{ seconds: null as never }])).toThrow('time to convert seconds: got null')
  })
})
