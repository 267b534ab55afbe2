import { invalid } from '@kysely-modelhub/core'
import type { SankeyLink } from '@kysely-modelhub/modelhub'
import { renderEchartsSvg } from './render-svg.ts'

export interface SankeyChartOptions {
  /** Pixels; default 960. */
  readonly width?: number
  /** Pixels; default 600. */
  readonly height?: number
  /** Shown above the diagram. */
  readonly title?: string
}

/**
 * A Sankey diagram of links (from `hub.funnel.sankeyLinks`) as a standalone SVG document, drawn
 * by Apache ECharts' server-side SVG renderer (no browser, no DOM). Nodes are the distinct
 * sources and targets; each link is one band as wide as its value.
 *
 * A Sankey diagram must not loop, but navigation paths often do (home → docs → home). Links are
 * added largest first and one that would close a loop is left out of the drawing; the subtitle
 * then says how many were left out. Name nodes by step (e.g. `2: home`) to draw every link.
 *
 * @example writeFileSync('paths.svg', sankeyChartSvg(hub.funnel.sankeyLinks(rows), { title: 'Top paths' }))
 */
export function sankeyChartSvg(links: readonly SankeyLink[], options: SankeyChartOptions = {}): string {
  const width = size('width', options.width, 960)
  const height = size('height', options.height, 600)
  if (options.title !== undefined && typeof options.title !== 'string') {
    invalid('title', options.title, 'expected a string')
  }
  links.forEach((link, i) => {
    if (
      typeof link?.source !== 'string' ||
      typeof link.target !== 'string' ||
      typeof link.value !== 'number' ||
      !Number.isFinite(link.value) ||
      link.value <= 0
    ) {
      invalid(`links[${i}]`, link, 'expected { source: string, target: string, value: a number > 0 }')
    }
  })
  const { drawn, leftOut } = withoutLoops(links)
  const nodes = [...new Set(drawn.flatMap((link) => [link.source, link.target]))]
  return renderEchartsSvg(
    {
      title: {
        text: options.title ?? '',
        subtext: leftOut ? `${leftOut} link${leftOut === 1 ? '' : 's'} closing a loop not drawn` : '',
        left: 'center',
      },
      series: [
        {
          type: 'sankey',
          top: options.title || leftOut ? 60 : 20,
          left: 20,
          right: 160,
          bottom: 20,
          nodeAlign: 'justify',
          emphasis: { focus: 'adjacency' },
          lineStyle: { color: 'gradient', curveness: 0.5 },
          label: { overflow: 'truncate', width: 150 },
          data: nodes.map((name) => ({ name })),
          links: drawn.map(({ source, target, value }) => ({ source, target, value })),
        },
      ],
    },
    { width, height },
  )
}

function size(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 50 || value > 20_000) {
    invalid(name, value, 'expected a whole number of pixels from 50 to 20000')
  }
  return value
}

/** The links without those that close a loop (largest first keeps the strongest flows); self-links are loops too. */
function withoutLoops(links: readonly SankeyLink[]): { drawn: SankeyLink[]; leftOut: number } {
  const next = new Map<string, Set<string>>()
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>()
    const stack = [from]
    while (stack.length) {
      const node = stack.pop() as string
      if (node === to) return true
      if (seen.has(node)) continue
      seen.add(node)
      for (const n of next.get(node) ?? []) stack.push(n)
    }
    return false
  }
  const drawn: SankeyLink[] = []
  const byValue = links.map((link, i) => ({ link, i })).sort((a, b) => b.link.value - a.link.value || a.i - b.i)
  const kept = new Set<number>()
  for (const { link, i } of byValue) {
    if (reaches(link.target, link.source)) continue
    next.set(link.source, (next.get(link.source) ?? new Set()).add(link.target))
    kept.add(i)
  }
  links.forEach((link, i) => {
    if (kept.has(i)) drawn.push(link)
  })
  return { drawn, leftOut: links.length - drawn.length }
}
