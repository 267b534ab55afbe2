import { invalid } from '@kysely-modelhub/core'
import { type ChartSize, renderEchartsSvg } from './render-svg.ts'

export interface HistogramOptions extends ChartSize {
  readonly title?: string
  /** The axis label of the values counted, e.g. 'presses per session'. */
  readonly xLabel?: string
  /** The axis label of the counts. Default 'count'. */
  readonly yLabel?: string
  /** The bar colour. Default '#3b6ea5'. */
  readonly color?: string
}

/** One bar of a histogram: how many values equal `value`. */
export interface HistogramBin {
  readonly value: number
  readonly count: number
}

/** How many times each distinct value occurs, smallest value first. */
export function histogramBins(values: readonly number[]): HistogramBin[] {
  const counts = new Map<number, number>()
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      invalid('histogram value', value, 'expected finite numbers')
    counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  return [...counts].sort(([a], [b]) => a - b).map(([value, count]) => ({ value, count }))
}

/**
 * A histogram of whole-number values (e.g. presses per session) as an SVG document rendered with
 * Apache ECharts: one bar per distinct value, its height the number of times the value occurs.
 *
 * @example writeFileSync('presses.svg', histogramSvg([2, 2, 1, 1, 2], { xLabel: 'presses per session' }))
 */
export function histogramSvg(values: readonly number[], options: HistogramOptions = {}): string {
  const bins = histogramBins(values)
  const color = options.color ?? '#3b6ea5'
  return renderEchartsSvg(
    {
      ...(options.title ? { title: { text: options.title, left: 'center' } } : {}),
      grid: { left: 64, right: 24, top: options.title ? 56 : 24, bottom: 56 },
      xAxis: {
        type: 'category',
        data: bins.map((bin) => String(bin.value)),
        name: options.xLabel ?? 'value',
        nameLocation: 'middle',
        nameGap: 32,
        axisLabel: { interval: 0 },
      },
      yAxis: { type: 'value', name: options.yLabel ?? 'count', nameLocation: 'middle', nameGap: 44 },
      series: [
        {
          type: 'bar',
          data: bins.map((bin) => bin.count),
          itemStyle: { color },
          barCategoryGap: '10%',
          label: { show: true, position: 'top' },
        },
      ],
    },
    options,
  )
}
