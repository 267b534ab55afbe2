import type { Engine, JsonMatch } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import type { Kysely } from 'kysely'
import { CliError } from './database.ts'
import { DEFAULT_CONVERSION, type HubFlags } from './hub-options.ts'

export { DEFAULT_CONVERSION, type HubFlags, withHubFlags } from './hub-options.ts'

const none = (value: string | undefined): string | undefined => (value === 'none' ? undefined : value)

/** A hub with the flags' options and conversion; bad values are one-line errors. */
export function hubFromFlags(
  db: Kysely<unknown>,
  engine: Engine | undefined,
  flags: HubFlags,
  extraContexts: readonly string[] = [],
): ModelHub<unknown, readonly string[], string> {
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
  const hub = new ModelHub<unknown, readonly string[]>(db, {
    ...(engine ? { engine } : {}),
    ...(flags.table !== undefined ? { table: flags.table } : {}),
    ...(flags.timeAggregation !== undefined ? { timeAggregation: flags.timeAggregation } : {}),
    ...(flags.timeZone !== undefined ? { timeZone: flags.timeZone } : {}),
    globalContexts: contexts,
    ...(gap !== undefined ? { sessionGapSeconds: gap } : {}),
    ...(flags.sessionIds !== undefined ? { sessionIds: flags.sessionIds } : {}),
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
  // Parsed JSON, not yet checked: ls.from checks its values when a model uses the conversion.
  let match: JsonMatch | undefined
  if (location !== undefined) {
    try {
      match = JSON.parse(location)
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
    ...(match !== undefined ? { locationStack: (ls) => ls.from(match) } : {}),
  })
}

/** The events the models run over: `hub.events({ startDate, endDate })`. */
export function eventsFromFlags(hub: ModelHub<unknown, readonly string[], string>, flags: HubFlags) {
  return hub.events({
    ...(flags.startDate !== undefined ? { startDate: flags.startDate } : {}),
    ...(flags.endDate !== undefined ? { endDate: flags.endDate } : {}),
  })
}
