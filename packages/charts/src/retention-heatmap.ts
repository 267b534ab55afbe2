import type { RetentionRow } from '@kysely-modelhub/modelhub'
import { type ChartSize, renderEchartsSvg } from './render-svg.ts'

export interface RetentionHeatmapOptions extends ChartSize {
  readonly title?: string
}

/**
 * The retention matrix (`hub.agg.retentionMatrix` rows) as a heatmap SVG rendered with Apache
 * ECharts: cohorts down, periods since the cohort across, each cell labelled with its value.
 *
 * @example writeFileSync('retention.svg', retentionHeatmapSvg(await hub.agg.retentionMatrix(events).execute()))
 */
export function retentionHeatmapSvg(rows: readonly RetentionRow[], options: RetentionHeatmapOptions = {}): string {
  const cohorts = [...new Set(rows.map((row) => row.first_cohort))].sort()
  const periods = Math.max(0, ...rows.map((row) => row.period + 1))
  const values = rows.map((row) => row.value)
  const max = Math.max(1, ...values)
  const label = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1))
  return renderEchartsSvg(
    {
      title: { text: options.title ?? 'Retention', left: 'center' },
      grid: { left: 96, right: 24, top: 56, bottom: 88 },
      xAxis: {
        type: 'category',
        data: Array.from({ length: periods }, (_, i) => `_${i}`),
        name: 'periods since first activity',
        nameLocation: 'middle',
        nameGap: 28,
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: cohorts, inverse: true, name: 'cohort', splitArea: { show: true } },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 8,
        inRange: { color: ['#eef4fb', '#08306b'] },
      },
      series: [
        {
          type: 'heatmap',
          data: rows.map((row) => [row.period, cohorts.indexOf(row.first_cohort), row.value]),
          label: {
            show: true,
            formatter: (p: { value?: unknown }) => label((p.value as number[])[2] ?? 0),
          },
        },
      ],
    },
    { width: options.width ?? Math.max(480, 120 + periods * 64), height: options.height ?? 140 + cohorts.length * 32 },
  )
}
