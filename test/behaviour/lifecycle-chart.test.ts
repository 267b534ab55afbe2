import { lifecycleBarsSvg } from '@kysely-modelhub/charts'
import { ModelHubInputError } from '@kysely-modelhub/core'
import type { LifecycleRow } from '@kysely-modelhub/modelhub'
import { describe, expect, it } from 'vitest'

/** The bars of one colour: where each starts (y, the zero line for the first of a stack) and its height (SVG y grows down). */
const bars = (svg: string, color: string) =>
  [
    ...svg.matchAll(
      /<path d="M[\d.]+ ([\d.]+)l[\d.]+ 0l0 (-?[\d.]+)l[^"]*" fill="([^"]+)"[^>]*ecmeta_ssr_type="chart"/g,
    ),
  ]
    .filter((m) => m[3] === color)
    .map((m) => ({ y: Number(m[1]), height: Number(m[2]) }))

const rows: LifecycleRow[] = [
  { period: '2022-01-03', status: 'new', users: 2 },
  { period: '2022-01-03', status: 'dormant', users: 0 },
  { period: '2022-01-10', status: 'returning', users: 1 },
  { period: '2022-01-10', status: 'dormant', users: 1 },
]

describe('lifecycleBarsSvg (Apache ECharts, server-side SVG)', () => {
  it('stacks active users above zero and draws dormant users below it, one column per period', () => {
    const svg = lifecycleBarsSvg(rows, { title: 'Weekly lifecycle', width: 600 })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('width="600"')
    for (const text of [
      'Weekly lifecycle',
      '2022-01-03',
      '2022-01-10',
      'new',
      'returning',
      'resurrecting',
      'dormant',
    ]) {
      expect(svg).toContain(`>${text}</text>`)
    }
    const [newJan3, newJan10] = bars(svg, '#2f9e44')
    const [, returningJan10] = bars(svg, '#3b6ea5')
    const [dormantJan3, dormantJan10] = bars(svg, '#c92a2a')
    const zero = newJan3?.y as number
    expect(newJan3?.height).toBeLessThan(0) // up from zero
    expect(newJan10?.height).toBe(0) // a status without users draws as nothing
    expect(returningJan10).toEqual({ y: zero, height: (newJan3?.height as number) / 2 })
    expect(dormantJan3?.height).toBe(0)
    expect(dormantJan10).toEqual({ y: zero, height: -(returningJan10?.height as number) }) // down from zero
  })

  it('rejects rows that are not lifecycle rows', () => {
    expect(() => lifecycleBarsSvg([{ period: 'x', status: 'churned' as never, users: 1 }])).toThrow(ModelHubInputError)
    expect(() => lifecycleBarsSvg([{ period: 'x', status: 'dormant', users: -1 }])).toThrow(
      'lifecycle users: got -1; expected a count ≥ 0 (dormant users too: the chart draws them below zero)',
    )
  })
})
