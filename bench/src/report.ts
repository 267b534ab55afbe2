import type { CompileCost } from './compile-cost.ts'
import type { PlanShape } from './plan-shape.ts'
import type { ModelTiming } from './run-model.ts'

/** The targets: what the report marks as missed. */
export const TARGETS = { ratio: 1.3, compileUs: 200, growth: 12 } as const

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGb: number
  readonly node: string
  readonly os: string
}

export interface BenchReport {
  readonly date: string
  readonly command: string
  readonly engine: 'postgres' | 'pglite'
  readonly database: string
  readonly settings: string
  readonly machine: Machine
  readonly events: number
  readonly runs: number
  /** False when the checked run was the first timed run (`--no-warm-up`). */
  readonly warmUp?: boolean
  readonly models: readonly ModelTiming[]
  readonly compile: readonly CompileCost[]
  /** The same models at a smaller event count, and the growth factor from it. */
  readonly scaling?: {
    readonly fromEvents: number
    /** referenceGrowth: the hand-written reference's own growth, which says what the engine adds (sorts spilling, …). */
    readonly models: readonly { model: string; medianMs: number; growth: number; referenceGrowth?: number }[]
  }
  readonly memory?: {
    readonly rows: number
    readonly peakRssMb: number
    readonly limitMb: number
    /** Why streaming failed (then rows is 0 and peakRssMb NaN). */
    readonly error?: string
  }
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1))
const missed = (bad: boolean): string => (bad ? ' ✗' : '')
const planCell = ({ sorts, windowAggs, joins }: PlanShape): string => `${sorts} / ${windowAggs} / ${joins}`

/** The report as a markdown table, with a line per target that was missed. */
export function markdownReport(report: BenchReport): string {
  const scaling = report.scaling
  const header = [
    'model',
    'median ms',
    'rows',
    'reference ms',
    '× reference',
    'compile µs',
    'Sort / WindowAgg / joins',
    'reference Sort / WindowAgg / joins',
    ...(scaling ? [`ms at ${scaling.fromEvents.toLocaleString('en-US')}`, 'growth', 'reference growth'] : []),
  ]
  // The growth target is for 10× the events; other sizes scale it.
  const growthLimit = scaling ? (TARGETS.growth * report.events) / scaling.fromEvents / 10 : Number.POSITIVE_INFINITY
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`]
  for (const timing of report.models) {
    const compile = report.compile.find((c) => c.model === timing.model)
    const scaled = scaling?.models.find((s) => s.model === timing.model)
    const ratio = timing.reference?.ratio
    const cells = [
      timing.model,
      ms(timing.medianMs),
      timing.rows.toLocaleString('en-US'),
      timing.reference ? ms(timing.reference.medianMs) : '–',
      timing.difference
        ? 'different answer ✗'
        : ratio === undefined
          ? '–'
          : `${ratio.toFixed(2)}${missed(ratio > TARGETS.ratio)}`,
      compile ? `${compile.medianUs.toFixed(0)}${missed(compile.medianUs > TARGETS.compileUs)}` : '–',
      planCell(timing.plan),
      timing.referencePlan ? planCell(timing.referencePlan) : '–',
      ...(scaling
        ? [
            scaled ? ms(scaled.medianMs) : '–',
            scaled ? `${scaled.growth.toFixed(1)}${missed(scaled.growth > growthLimit)}` : '–',
            scaled?.referenceGrowth === undefined ? '–' : scaled.referenceGrowth.toFixed(1),
          ]
        : []),
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  const m = report.machine
  const notes = [
    '',
    `${report.events.toLocaleString('en-US')} events on ${report.database} (${report.settings}); median of ${report.runs} runs ${report.warmUp === false ? 'with no warm-up (the first is the checked run)' : 'after a warm-up'}.`,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}.`,
    `Targets: ≤ ${TARGETS.ratio}× the hand-written reference, compile < ${TARGETS.compileUs} µs, growth ≤ ${TARGETS.growth}× for 10× the events (✗ = missed).`,
    'Sort counts Sort and Incremental Sort nodes; joins count Hash Join, Merge Join and Nested Loop.',
  ]
  if (report.memory) {
    const { rows, peakRssMb, limitMb, error } = report.memory
    notes.push(
      error
        ? `Streaming events() failed ✗: ${error}`
        : `Streaming events() (${rows.toLocaleString('en-US')} rows, .stream()): peak RSS ${peakRssMb.toFixed(0)} MB (limit ${limitMb} MB)${missed(peakRssMb > limitMb)}.`,
    )
  }
  return [...lines, ...notes].join('\n')
}
