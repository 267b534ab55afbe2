import type { Command } from 'commander'
import { CACHE_DIR, CliError, DEFAULT_SAMPLE_EVENTS, sampleDirName } from '../database.ts'
import { STEP_SYNTAX } from '../funnel-step-flags.ts'
import type { HubFlags } from '../hub-options.ts'
import { MODELS, type ModelFlags } from '../models.ts'

// The flags several commands share, and the types their actions receive.

export type CommandFlags = HubFlags & ModelFlags & { engine?: string; inline?: boolean; pretty?: boolean }
export type DatabaseFlags = { databaseUrl?: string; events?: number; dataDir?: string; limit?: number }

/** Models that read the application context get it whether or not --global-contexts names it. */
const NEEDS_APPLICATION = new Set(['top-product-features', 'top-product-features-before-conversion'])

/** The global contexts a model needs besides those --global-contexts names. */
export const contextsOfModel = (name: string): string[] => (NEEDS_APPLICATION.has(name) ? ['application'] : [])

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new CliError(`invalid ${flag} ${JSON.stringify(value)}: expected a whole number > 0`)
    }
    return n
  }
}

export function withModelFlags(command: Command): Command {
  return command
    .option('--as <column>', 'map models: the name of the new column')
    .option('--partition <column>', 'conversion map models: count within this column (default session_id)')
    .option('--model-time-aggregation <format>', "is-new-user, time-agg: the model's own strftime format, e.g. '%Y-%m'")
    .option('--group-by <columns>', 'agg models: columns separated by commas, a strftime format, or none for one row')
    .option('--include-bounces', 'session-duration: count sessions of one event too')
    .option('--method <method>', 'session-duration: mean or sum')
    .option('--time-period <period>', 'retention-matrix: daily, weekly, monthly or yearly')
    .option('--event-type <type>', 'retention-matrix, top-product-features: only events of this type')
    .option('--return-event-type <type>', 'retention-matrix: the events that count as a return (default --event-type)')
    .option('--mode <mode>', 'retention-matrix: first_time (default) or recurring (a cohort per period with a start)')
    .option(
      '--periods <periods>',
      'retention-matrix: calendar (default) or elapsed (24 h, 7, 30, 365 days since the start)',
    )
    .option('--percentage', 'retention-matrix, drop-off-locations: shares (x100) instead of counts')
    .option('--retention-start-date <YYYY-MM-DD>', 'retention-matrix: first cohort day')
    .option('--retention-end-date <YYYY-MM-DD>', 'retention-matrix: last activity day')
    .option('--period <period>', 'lifecycle: daily, weekly or monthly (default weekly)')
    .option('--interval <interval>', 'stickiness: day, week or month (default day)')
    .option(...FUNNEL_FLAGS.step)
    .option('--order <order>', 'funnel-steps: ordered, strict or unordered; time-to-convert: ordered or strict')
    .option(...FUNNEL_FLAGS.conversionWindow)
    .option(
      '--from-step <n>',
      'time-to-convert: the step the time runs from (default 1)',
      positiveInteger('--from-step'),
    )
    .option(
      '--to-step <n>',
      'time-to-convert: the step the time runs to (default the last)',
      positiveInteger('--to-step'),
    )
}

/** `--step`, repeatable, and `--conversion-window`: the flags of a funnel, in `sql`, `run` and `chart`. */
export const FUNNEL_FLAGS = {
  step: [
    '--step <step>',
    `funnel-steps, time-to-convert: a step, repeated in order (default: any, then conversion): ${STEP_SYNTAX}`,
    (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
  ],
  conversionWindow: [
    '--conversion-window <seconds>',
    'funnel-steps, time-to-convert: at most this many seconds from step 1 to the last step',
    nonNegativeNumber('--conversion-window'),
  ],
} as const

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new CliError(`invalid ${flag} ${JSON.stringify(value)}: expected a number of seconds, 0 or more`)
    }
    return n
  }
}

export function withDatabaseFlags(command: Command): Command {
  return command
    .option(
      '--database-url <url>',
      'a Postgres server, only read from (the table --table names); default: the embedded sample PGlite',
    )
    .option(
      '--events <n>',
      `sample events in the embedded PGlite (default ${DEFAULT_SAMPLE_EVENTS})`,
      positiveInteger('--events'),
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
}

/** The help of `--data-dir`, which every command that can open the sample PGlite takes. */
export const DATA_DIR_HELP = `where the sample PGlite keeps its files (default ${CACHE_DIR}/${sampleDirName('<events>')})`

/** The models, for the help text of the commands that take one. */
export const modelList = (): string =>
  `\nModels:\n${MODELS.map((m) => `  ${m.name.padEnd(40)}${m.call}: ${m.summary}`).join('\n')}`
