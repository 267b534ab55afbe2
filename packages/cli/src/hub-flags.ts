import type { Engine } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import { CliError } from './database.ts'

/** The hub options, as the flags give them. */
export interface HubFlags {
  readonly timeAggregation?: string
  readonly globalContexts?: string
  readonly sessionGapSeconds?: string
  readonly identityResolution?: string
  readonly anonymizeUnidentifiedUsers?: boolean
  readonly startDate?: string
  readonly endDate?: string
  readonly table?: string
  readonly conversionName?: string
  readonly conversionEventType?: string
  readonly conversionLocation?: string
}

/** The notebook's conversion: a PressEvent in the Quickstart Guide link. */
export const DEFAULT_CONVERSION = {
  name: 'quickstart_presses',
  eventType: 'PressEvent',
  location: '{"id":"Quickstart Guide","_type":"LinkContext"}',
}

/** Adds the hub option flags to a command. */
export function withHubFlags(command: Command): Command {
  return command
    .option('--time-aggregation <format>', "strftime format of the time buckets (default '%Y-%m-%d')")
    .option('--global-contexts <names>', 'global context columns, comma-separated, e.g. application,http')
    .option('--session-gap-seconds <n>', 'a longer gap between events starts a new session (default 1800)')
    .option('--identity-resolution <id>', 'resolve users on the IdentityContext with this id, e.g. email')
    .option('--no-anonymize-unidentified-users', 'with --identity-resolution: keep cookie ids of unidentified users')
    .option('--start-date <YYYY-MM-DD>', 'first day of the events (inclusive)')
    .option('--end-date <YYYY-MM-DD>', 'last day of the events (inclusive)')
    .option('--table <name>', "the raw events table (default 'data' on postgres, 'events' on bigquery)")
    .option('--conversion-name <name>', 'name of the conversion event', DEFAULT_CONVERSION.name)
    .option('--conversion-event-type <type>', 'event type of the conversion, or none', DEFAULT_CONVERSION.eventType)
    .option(
      '--conversion-location <json>',
      'location stack of the conversion from this context on, as JSON, or none',
      DEFAULT_CONVERSION.location,
    )
}

const none = (value: string | undefined): string | undefined => (value === 'none' ? undefined : value)

/** A hub with the flags' options and conversion; bad values are one-line errors. */
export function hubFromFlags(
  db: Kysely<any>,
  engine: Engine | undefined,
  flags: HubFlags,
  extraContexts: readonly string[] = [],
): ModelHub<any, readonly string[], string> {
  const contexts = [
    ...new Set([
      ...(flags.globalContexts ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
      ...extraContexts,
    ]),
  ]
  let gap: number | undefined
  if (flags.sessionGapSeconds !== undefined) {
    gap = Number(flags.sessionGapSeconds)
    if (flags.sessionGapSeconds.trim() === '' || !Number.isFinite(gap)) {
      throw new CliError(
        `invalid --session-gap-seconds ${JSON.stringify(flags.sessionGapSeconds)}: expected a number of seconds`,
      )
    }
  }
  const hub = new ModelHub<any, readonly string[]>(db, {
    ...(engine ? { engine } : {}),
    ...(flags.table !== undefined ? { table: flags.table } : {}),
    ...(flags.timeAggregation !== undefined ? { timeAggregation: flags.timeAggregation } : {}),
    globalContexts: contexts,
    ...(gap !== undefined ? { sessionGapSeconds: gap } : {}),
    ...(flags.identityResolution !== undefined
      ? {
          identityResolution: flags.identityResolution,
          anonymizeUnidentifiedUsers: flags.anonymizeUnidentifiedUsers !== false,
        }
      : {}),
  })
  const eventType = none(flags.conversionEventType)
  const location = none(flags.conversionLocation)
  if (eventType === undefined && location === undefined) {
    throw new CliError('--conversion-event-type and --conversion-location cannot both be none')
  }
  let match: Record<string, unknown> | undefined
  if (location !== undefined) {
    try {
      match = JSON.parse(location) as Record<string, unknown>
    } catch {
      match = undefined
    }
    if (!match || typeof match !== 'object' || Array.isArray(match)) {
      throw new CliError(
        `invalid --conversion-location ${JSON.stringify(location)}: expected a JSON object such as ${DEFAULT_CONVERSION.location}`,
      )
    }
  }
  return hub.addConversionEvent({
    name: flags.conversionName ?? DEFAULT_CONVERSION.name,
    ...(eventType !== undefined ? { eventType } : {}),
    ...(match !== undefined ? { locationStack: (ls) => ls.from(match as never) } : {}),
  })
}

/** The events the models run over: `hub.events({ startDate, endDate })`. */
export function eventsFromFlags(hub: ModelHub<any, readonly string[], string>, flags: HubFlags) {
  return hub.events({
    ...(flags.startDate !== undefined ? { startDate: flags.startDate } : {}),
    ...(flags.endDate !== undefined ? { endDate: flags.endDate } : {}),
  })
}
