import { invalid } from '@kysely-modelhub/core'
import type { LifecycleRow, LifecycleStatus } from '@kysely-modelhub/modelhub'
import { type ChartSize, renderEchartsSvg } from './render-svg.ts'

export interface LifecycleBarsOptions extends ChartSize {
  readonly title?: string
}

// Stacking order, bottom up (dormant goes below zero). Types only from modelhub: charts load no model code.
const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['new', 'returning', 'resurrecting', 'dormant']

const COLORS: Readonly<Record<LifecycleStatus, string>> = {
  new: '#2f9e44',
  returning: '#3b6ea5',
  resurrecting: '#e8a33d',
  dormant: '#c92a2a',
}

/**
 * The lifecycle (`hub.agg.lifecycle` rows) as stacked bars, an SVG rendered with Apache ECharts:
 * one bar per period, new, returning and resurrecting users stacked above zero and dormant users
 * below it (the model reports them as positive counts; docs/semantics.md §S8). A status missing
 * for a period draws as 0.
 *
 * @example writeFileSync('lifecycle.svg', lifecycleBarsSvg(await hub.agg.lifecycle(events, { period: 'weekly' }).execute()))
 */
export function lifecycleBarsSvg(rows: readonly LifecycleRow[], options: LifecycleBarsOptions = {}): string {
  const counts = new Map<string, Partial<Record<LifecycleStatus, number>>>()
  for (const row of rows) {
    if (!LIFECYCLE_STATUSES.includes(row.status)) {
      invalid('lifecycle status', row.status, `expected one of ${LIFECYCLE_STATUSES.map((s) => `"${s}"`).join(', ')}`)
    }
    if (typeof row.users !== 'number' || !Number.isFinite(row.users) || row.users < 0) {
      invalid('lifecycle users', row.users, 'expected a count ≥ 0 (dormant users too: the chart draws them below zero)')
    }
    const period = counts.get(row.period) ?? {}
    period[row.status] = (period[row.status] ?? 0) + row.users
    counts.set(row.period, period)
  }
  const periods = [...counts.keys()].sort()
  return renderEchartsSvg(
    {
      title: { text: options.title ?? 'Lifecycle', left: 'center' },
      legend: { data: [...LIFECYCLE_STATUSES], bottom: 8 },
      grid: { left: 64, right: 24, top: 56, bottom: 88 },
      xAxis: { type: 'category', data: periods, axisLabel: { interval: 0, rotate: periods.length > 8 ? 45 : 0 } },
      yAxis: { type: 'value', minInterval: 1, name: 'users', nameLocation: 'middle', nameGap: 44 },
      series: LIFECYCLE_STATUSES.map((status) => ({
        name: status,
        type: 'bar' as const,
        // One stack per period: ECharts stacks negative values (dormant) down from zero, the others up.
        stack: 'period',
        itemStyle: { color: COLORS[status] },
        data: periods.map((period) => {
          const users = counts.get(period)?.[status] ?? 0
          return status === 'dormant' ? -users : users
        }),
      })),
    },
    { width: options.width ?? Math.max(480, 120 + periods.length * 48), height: options.height ?? 420 },
  )
}
