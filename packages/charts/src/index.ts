export { type HistogramBin, type HistogramOptions, histogramBins, histogramSvg } from './histogram.ts'
export { type LifecycleBarsOptions, lifecycleBarsSvg } from './lifecycle-bars.ts'
export type { ChartSize } from './render-svg.ts'
export { type RetentionHeatmapOptions, retentionHeatmapSvg } from './retention-heatmap.ts'
export { type SankeyChartOptions, sankeyChartSvg } from './sankey.ts'
export {
  type DurationBin,
  durationBins,
  type TimeToConvertChartOptions,
  timeToConvertSvg,
} from './time-to-convert.ts'
