import { createRequire } from 'node:module'
import type * as Echarts from 'echarts'

// ECharts takes most of a second to load: only programs that draw a chart pay for it, on the first one.
let loaded: typeof Echarts | undefined
const echartsModule = (): typeof Echarts => {
  loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts
  return loaded
}

/** Size of a chart in pixels. */
export interface ChartSize {
  readonly width?: number
  readonly height?: number
}

/**
 * Renders an Apache ECharts option to a standalone SVG document, server-side: no DOM, no browser.
 * Animation is off so the SVG holds the final picture.
 */
export function renderEchartsSvg(option: Echarts.EChartsOption, size: ChartSize = {}): string {
  const chart = echartsModule().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width ?? 720,
    height: size.height ?? 420,
  })
  try {
    chart.setOption({ animation: false, ...option })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
