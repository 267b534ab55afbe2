import { type Command, Option } from 'commander'

// The hub's flags without the hub: commands are defined (and --help printed) without loading ModelHub.

/** The hub options, as the flags give them. */
export interface HubFlags {
  readonly timeAggregation?: string
  readonly timeZone?: string
  readonly globalContexts?: string
  readonly sessionGapSeconds?: string
  readonly sessionIds?: 'sequential' | 'daily'
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
    .option(
      '--time-zone <name>',
      "IANA time zone of time buckets, periods and --start-date/--end-date days, e.g. Europe/Amsterdam (default 'UTC')",
    )
    .option('--global-contexts <names>', 'global context columns, comma-separated, e.g. application,http')
    .option('--session-gap-seconds <n>', 'a longer gap between events starts a new session (default 1800)')
    .addOption(
      new Option(
        '--session-ids <numbering>',
        "session_id as Objectiv's 1, 2, 3… or by day (scales on BigQuery; default there)",
      ).choices(['sequential', 'daily']),
    )
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
