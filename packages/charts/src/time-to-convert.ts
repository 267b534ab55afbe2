import { invalid } from '@kysely-modelhub/core'
import type { TimeToConvertRow } from '@kysely-modelhub/modelhub'
import { type ChartSize, renderEchartsSvg } from './render-svg.ts'

export interface TimeToConvertChartOptions extends ChartSize {
  readonly title?: string
  /** The bar colour. Default '#3b6ea5'. */
  readonly color?: string
}

/** One bar: the users who converted in `from` seconds up to (not including) `to`; `to` is null for the last, open bin. */
export interface DurationBin {
  readonly label: string
  readonly from: number
  readonly to: number | null
  readonly users: number
}

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400
/**
 * Bin edges in seconds, on the steps people read durations in (seconds, minutes, hours, days) and
 * roughly ×3 apart, so both a click-through funnel and a week-long one show their shape.
 */
const EDGES = [0, 10, 30, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY] as const

const spoken = (seconds: number): string =>
  seconds >= DAY
    ? `${seconds / DAY} d`
    : seconds >= HOUR
      ? `${seconds / HOUR} h`
      : seconds >= MINUTE
        ? `${seconds / MINUTE} min`
        : `${seconds} s`

/**
 * How many users converted within each duration bin (0–10 s, 10–30 s, 30 s–1 min, 1–5 min, 5–15 min,
 * 15 min–1 h, 1–6 h, 6 h–1 d, 1–7 d, 7 d or more): the bins from the first to the last one with
 * users, empty ones between included so the shape reads right. None for no rows.
 */
export function durationBins(rows: readonly Pick<TimeToConvertRow, 'seconds'>[]): DurationBin[] {
  const counts = EDGES.map(() => 0)
  for (const { seconds } of rows) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      invalid('time to convert seconds', seconds, 'expected a number of seconds, 0 or more')
    }
    const bin = EDGES.findLastIndex((edge) => seconds >= edge)
    counts[bin] = (counts[bin] as number) + 1
  }
  const used = counts.flatMap((n, i) => (n > 0 ? [i] : []))
  if (used.length === 0) return []
  const bins = EDGES.map((from, i) => {
    const to = i + 1 < EDGES.length ? (EDGES[i + 1] as number) : null
    const label = to === null ? `≥ ${spoken(from)}` : `${spoken(from)}–${spoken(to)}`
    return { label, from, to, users: counts[i] as number }
  })
  return bins.slice(used[0], (used.at(-1) as number) + 1)
}

/**
 * Time to convert (`hub.funnel.timeToConvert` rows) as a histogram, an SVG rendered with Apache
 * ECharts: one bar per duration bin (see `durationBins`), its height the number of users.
 *
 * @example writeFileSync('time-to-convert.svg', timeToConvertSvg(await hub.funnel.timeToConvert(events, { steps: [{ id: 'home' }, { id: 'Quickstart Guide' }] }).execute()))
 */
export function timeToConvertSvg(
  rows: readonly Pick<TimeToConvertRow, 'seconds'>[],
  options: TimeToConvertChartOptions = {},
): string {
  const bins = durationBins(rows)
  return renderEchartsSvg(
    {
      title: { text: options.title ?? 'Time to convert', left: 'center' },
      grid: { left: 64, right: 24, top: 56, bottom: 56 },
      xAxis: {
        type: 'category',
        data: bins.map((bin) => bin.label),
        name: 'time to convert',
        nameLocation: 'middle',
        nameGap: 32,
        axisLabel: { interval: 0 },
      },
      yAxis: { type: 'value', minInterval: 1, name: 'users', nameLocation: 'middle', nameGap: 44 },
      series: [
        {
          type: 'bar',
          data: bins.map((bin) => bin.users),
          itemStyle: { color: options.color ?? '#3b6ea5' },
          barCategoryGap: '10%',
          label: { show: true, position: 'top' },
        },
      ],
    },
    options,
  )
}
