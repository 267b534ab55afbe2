import { sankeyChartSvg } from '@kysely-modelhub/charts'
import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub, sankeyLinks } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { OBJECTIV_NICE_NAMES as NICE } from '../fixtures/location-stacks.ts'
import { dataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

describeEachEngine(
  'funnel.sankeyLinks over navigation paths',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine })

    it('counts consecutive steps of the first 3 paths (docs/semantics.md §S7.5 _construct_source_target_df)', async () => {
      const h = hub()
      const rows = await h.funnel.navigationPaths(h.events(), { steps: 4, by: null, nExamples: 3 }).execute()
      expect(h.funnel.sankeyLinks(rows)).toEqual([
        { source: NICE[304], target: NICE[301], value: 3 },
        { source: NICE[301], target: NICE[302], value: 2 },
        { source: NICE[312], target: NICE[304], value: 2 },
        { source: NICE[302], target: NICE[303], value: 1 },
        { source: NICE[311], target: NICE[312], value: 1 },
      ])
    })

    it('keeps the top n whole paths, NULL steps greatest on ties (docs/semantics.md §S7.5 truncated names, n_top_examples 3)', async () => {
      const h = hub()
      const rows = await h.funnel
        .navigationPaths(h.events(), {
          steps: 3,
          by: null,
          locationStack: (ls) => sql<string | null>`substr(${ls.niceName()}, 1, 4)`,
        })
        .execute()
      expect(rows).toHaveLength(11)
      expect(h.funnel.sankeyLinks(rows, { nTopExamples: 3 })).toEqual([
        { source: 'Link', target: 'Link', value: 16 },
        { source: 'Link', target: 'Expa', value: 1 },
      ])
      // All paths: 7 of Link×3, and the ones through the Expandable Section and the last.
      expect(h.funnel.sankeyLinks(rows)).toEqual([
        { source: 'Link', target: 'Link', value: 17 },
        { source: 'Expa', target: 'Link', value: 2 },
        { source: 'Link', target: 'Expa', value: 2 },
      ])
    })
  },
  { data: dataTable(OBJECTIV_DATA) },
)

describe('sankeyLinks (plain TypeScript)', () => {
  it('sums links over paths, skips NULL steps and shows numbers as text', () => {
    const rows = [
      { user_id: 'a', x_step_1: 1, x_step_2: 2, x_step_3: null },
      { user_id: 'b', x_step_1: 1, x_step_2: 2, x_step_3: 3 },
      { user_id: 'c', x_step_1: 2, x_step_2: null, x_step_3: null },
    ]
    expect(sankeyLinks(rows)).toEqual([
      { source: '1', target: '2', value: 2 },
      { source: '2', target: '3', value: 1 },
    ])
    expect(sankeyLinks([])).toEqual([])
  })

  it('needs exactly one family of step columns (Objectiv messages)', () => {
    expect(() => sankeyLinks([{ user_id: 'a' }])).toThrow("Couldn't find any navigation path.")
    expect(() => sankeyLinks([{ x_step_1: 'a', y_step_1: 'b' }])).toThrow(
      'Provided DataFrame contains navigation paths from multiple base series',
    )
    expect(() => sankeyLinks([{ x_step_1: 'a', x_step_3: 'b' }])).toThrow('the step columns must be numbered 1 to 2')
    expect(() => sankeyLinks([{ x_step_1: 'a' }], { nTopExamples: 0 })).toThrow(ModelHubInputError)
  })
})

/** A strict XML well-formedness check: balanced, properly nested tags, quoted attributes, known entities. */
function assertWellFormedXml(xml: string): { tags: string[]; texts: string[] } {
  const token = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/?[^>]*>|[^<]+/g
  const open: string[] = []
  const tags: string[] = []
  const texts: string[] = []
  let roots = 0
  for (const [part] of xml.matchAll(token)) {
    if (part.startsWith('<![CDATA[') || part.startsWith('<!--') || part.startsWith('<?')) continue
    if (part.startsWith('</')) {
      const name = /^<\/([A-Za-z_][\w:.-]*)\s*>$/.exec(part)?.[1]
      expect(name, part).toBeDefined()
      expect(open.pop(), `closing ${part}`).toBe(name)
      continue
    }
    if (part.startsWith('<')) {
      const element = /^<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>$/.exec(
        part,
      )
      expect(element, part).not.toBeNull()
      const [, name, attributes, selfClosing] = element as unknown as [string, string, string, string]
      for (const [, value] of attributes.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) checkEntities(value ?? '')
      if (open.length === 0) roots++
      tags.push(name)
      if (!selfClosing) open.push(name)
      continue
    }
    if (open.length === 0) expect(part.trim(), 'text outside the root').toBe('')
    checkEntities(part)
    texts.push(part)
  }
  expect(open).toEqual([])
  expect(roots).toBe(1)
  return { tags, texts }
}

function checkEntities(text: string): void {
  for (const [entity] of text.matchAll(/&[^;\s]*;?/g)) {
    expect(entity).toMatch(/^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/)
  }
}

const decode = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&')

describe('sankeyChartSvg (Apache ECharts, server-side SVG)', () => {
  const links = [
    { source: 'home', target: 'docs', value: 5 },
    { source: 'docs', target: 'quickstart & <setup>', value: 3 },
    { source: 'home', target: 'blog', value: 2 },
  ]

  it('is well-formed SVG with one band per link and every node name', () => {
    const svg = sankeyChartSvg(links, { width: 800, height: 500, title: 'Top paths' })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('width="800"')
    expect(svg).toContain('height="500"')
    const { texts } = assertWellFormedXml(svg)
    const labels = texts.map(decode)
    for (const node of ['home', 'docs', 'quickstart & <setup>', 'blog', 'Top paths']) expect(labels).toContain(node)
    // Chart paths: one band per link and one bar per node.
    const bands = svg.match(/<path [^>]*ecmeta_ssr_type="chart"/g) ?? []
    expect(bands).toHaveLength(links.length + 4)
    const linkBands = svg.match(/<path [^>]*fill-opacity="0.2"[^>]*ecmeta_ssr_type="chart"/g) ?? []
    expect(linkBands).toHaveLength(links.length)
  })

  it('leaves out the weakest link closing a loop, and says so', () => {
    const svg = sankeyChartSvg([...links, { source: 'docs', target: 'home', value: 1 }])
    const { texts } = assertWellFormedXml(svg)
    expect(texts.map(decode)).toContain('1 link closing a loop not drawn')
    expect(svg.match(/<path [^>]*fill-opacity="0.2"[^>]*ecmeta_ssr_type="chart"/g) ?? []).toHaveLength(links.length)
  })

  it('draws links straight from navigation-path rows, and rejects bad input', () => {
    const rows = [
      { location_stack_step_1: 'a', location_stack_step_2: 'b' },
      { location_stack_step_1: 'b', location_stack_step_2: 'c' },
    ]
    const svg = sankeyChartSvg(sankeyLinks(rows))
    expect(svg).toContain('width="960"')
    assertWellFormedXml(svg)
    expect(() => sankeyChartSvg([{ source: 'a', target: 'b', value: 0 }])).toThrow(ModelHubInputError)
    expect(() => sankeyChartSvg(links, { width: 10 })).toThrow('width: got 10; expected a whole number of pixels')
  })
})
