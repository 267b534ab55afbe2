import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { LifecycleRow, RetentionRow, TimeToConvertRow } from '@kysely-modelhub/modelhub'
import type { Command } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { withHubFlags } from '../hub-options.ts'
import { modelNamed } from '../models.ts'
import {
  type CommandFlags,
  type DatabaseFlags,
  FUNNEL_FLAGS,
  positiveInteger,
  withDatabaseFlags,
} from './command-flags.ts'
import { withEventsHub } from './with-events-hub.ts'

// ECharts loads only when a chart is drawn.
const charts = () => import('@kysely-modelhub/charts')

type ChartFlags = CommandFlags & DatabaseFlags & { out: string }
type SankeyFlags = ChartFlags & { steps: number; nTopExamples: number; onlyConvertedPaths?: boolean }

/** `chart retention-matrix`, `chart lifecycle`, `chart sankey` and `chart time-to-convert`: a model drawn as an SVG file. */
export function addChartCommand(program: Command, io: CliIo): void {
  const chart = program.command('chart').description('draw a model as an SVG chart (Apache ECharts)')
  withDatabaseFlags(
    withHubFlags(
      chart
        .command('retention-matrix')
        .description('the retention matrix as a heatmap: cohorts down, periods since across')
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option('--time-period <period>', 'daily, weekly, monthly or yearly (default monthly)')
        .option('--event-type <type>', 'only events of this type start a cohort (and count as returns)')
        .option('--return-event-type <type>', 'the events that count as a return (default --event-type)')
        .option('--mode <mode>', 'first_time (default) or recurring (a cohort per period with a start event)')
        .option('--periods <periods>', 'calendar (default) or elapsed (24 h, 7, 30, 365 days since the start)')
        .option('--percentage', "shares (x100) of each cohort's users instead of counts"),
    ),
  ).action((flags: ChartFlags) => drawRetentionMatrix(io, flags))
  withDatabaseFlags(
    withHubFlags(
      chart
        .command('lifecycle')
        .description('new, returning and resurrecting users per period as stacked bars, dormant below zero')
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option('--period <period>', 'daily, weekly or monthly (default weekly)'),
    ),
  ).action((flags: ChartFlags) => drawLifecycle(io, flags))
  withDatabaseFlags(
    withHubFlags(
      chart
        .command('sankey')
        .description("users' navigation paths as a Sankey diagram (hub.funnel.navigationPaths → sankeyLinks)")
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option('--steps <n>', 'steps per path (default 3)', positiveInteger('--steps'), 3)
        .option(
          '--n-top-examples <n>',
          'only the n most frequent paths (default 15)',
          positiveInteger('--n-top-examples'),
          15,
        )
        .option('--only-converted-paths', 'only paths that reach the conversion (--conversion-*)'),
    ),
  ).action((flags: SankeyFlags) => drawSankey(io, flags))
  withDatabaseFlags(
    withHubFlags(
      chart
        .command('time-to-convert')
        .description("a histogram of users' time to convert through a funnel (hub.funnel.timeToConvert)")
        .requiredOption('--out <file.svg>', 'where to write the SVG')
        .option(...FUNNEL_FLAGS.step)
        .option('--order <order>', 'ordered or strict (default ordered)')
        .option(...FUNNEL_FLAGS.conversionWindow)
        .option('--from-step <n>', 'the step the time runs from (default 1)', positiveInteger('--from-step'))
        .option('--to-step <n>', 'the step the time runs to (default the last)', positiveInteger('--to-step')),
    ),
  ).action((flags: ChartFlags) => drawTimeToConvert(io, flags))
}

/** Runs the CLI model `name` with the flags, writes what `draw` makes of its rows to --out and says so. */
function drawModel<R>(
  io: CliIo,
  flags: ChartFlags,
  name: string,
  draw: (rows: R[], chart: Awaited<ReturnType<typeof charts>>) => string,
  done: (rows: R[], out: string) => string,
): Promise<void> {
  const spec = modelNamed(name)
  return withEventsHub(io, flags, { name }, async (hub, events) => {
    const rows = (await spec.build(hub, events, flags, hub.conversionNames[0]!).execute()) as R[]
    const out = writableFile(flags.out)
    writeFileSync(out, draw(rows, await charts()))
    io.out(done(rows, out))
  })
}

function drawRetentionMatrix(io: CliIo, flags: ChartFlags): Promise<void> {
  return drawModel<RetentionRow>(
    io,
    flags,
    'retention-matrix',
    (rows, { retentionHeatmapSvg }) => retentionHeatmapSvg(rows, { title: retentionTitle(flags) }),
    (_, out) => `Wrote the retention matrix heatmap to ${out}`,
  )
}

/** 'Retention (monthly)', or with the options that change what is counted: 'Retention (weekly, recurring, elapsed)'. */
function retentionTitle(flags: ChartFlags): string {
  const what = [
    flags.timePeriod ?? 'monthly',
    flags.mode === 'recurring' ? 'recurring' : '',
    flags.periods === 'elapsed' ? 'elapsed' : '',
  ]
  return `Retention (${what.filter(Boolean).join(', ')})`
}

function drawLifecycle(io: CliIo, flags: ChartFlags): Promise<void> {
  return drawModel<LifecycleRow>(
    io,
    flags,
    'lifecycle',
    (rows, { lifecycleBarsSvg }) => lifecycleBarsSvg(rows, { title: `Lifecycle (${flags.period ?? 'weekly'})` }),
    (rows, out) => `Wrote the lifecycle bars of ${new Set(rows.map((r) => r.period)).size} periods to ${out}`,
  )
}

function drawTimeToConvert(io: CliIo, flags: ChartFlags): Promise<void> {
  return drawModel<TimeToConvertRow>(
    io,
    flags,
    'time-to-convert',
    (rows, { timeToConvertSvg }) => timeToConvertSvg(rows),
    (rows, out) => `Wrote the time to convert of ${rows.length} users to ${out}`,
  )
}

function drawSankey(io: CliIo, flags: SankeyFlags): Promise<void> {
  return withEventsHub(io, flags, { name: 'sankey' }, async (hub, events) => {
    const paths = await hub.funnel
      .navigationPaths(events, {
        steps: flags.steps,
        ...(flags.onlyConvertedPaths ? { onlyConvertedPaths: true, conversionName: hub.conversionNames[0]! } : {}),
      })
      .execute()
    const links = hub.funnel.sankeyLinks(paths as Record<string, unknown>[], { nTopExamples: flags.nTopExamples })
    const out = writableFile(flags.out)
    const { sankeyChartSvg } = await charts()
    writeFileSync(
      out,
      sankeyChartSvg(links, { title: `Top ${flags.nTopExamples} navigation paths of ${flags.steps} steps` }),
    )
    io.out(`Wrote the Sankey diagram of ${links.length} links to ${out}`)
  })
}

/** The absolute path of `file`, its directory created. */
function writableFile(file: string): string {
  const out = resolve(file)
  mkdirSync(dirname(out), { recursive: true })
  return out
}
