import {
  checkTimeZone,
  DEFAULT_TIME_ZONE,
  type Engine,
  parseTimeFormat,
  SESSION_IDS,
  type SessionIds,
  timeZoneProblem,
} from '@kysely-modelhub/core'
import { z } from 'zod'

/** Columns of the events() source; a global context may not take one of these names. */
const EVENT_COLUMNS = new Set([
  'event_id',
  'day',
  'moment',
  'user_id',
  'event_type',
  'stack_event_types',
  'location_stack',
  'session_id',
  'session_hit_number',
])

const identifier = /^[a-z][a-z0-9_]*$/

const engineSchema = z.custom<Engine>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Engine).timeFormat === 'function',
  { message: 'expected an engine object such as `postgres` from @kysely-modelhub/postgres' },
)

const timeFormatSchema = z.string().superRefine((format, ctx) => {
  try {
    parseTimeFormat(format)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
  }
})

/** An IANA name; 'utc' and other spellings become the tz database's (checkTimeZone). */
const timeZoneSchema = z.string().transform((zone, ctx) => {
  const problem = timeZoneProblem(zone)
  if (problem === undefined) return checkTimeZone('timeZone', zone)
  ctx.addIssue({ code: 'custom', message: `got ${JSON.stringify(zone)}; ${problem}` })
  return z.NEVER
})

/** The model hub's options, checked once when the hub is made. */
export const modelHubOptionsSchema = z
  .object({
    engine: engineSchema.optional(),
    table: z.string().min(1, 'expected a table name such as "data" or "analytics.data"').optional(),
    timeAggregation: timeFormatSchema.default('%Y-%m-%d'),
    timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    globalContexts: z
      .array(
        z
          .string()
          .regex(identifier, 'expected a lowercase identifier such as "application", "http" or "cookie_id"')
          .refine((name) => !EVENT_COLUMNS.has(name), 'this name is already a column of the events'),
      )
      .refine((names) => new Set(names).size === names.length, 'each global context may be named once')
      .default([]),
    sessionGapSeconds: z
      .number()
      .int('expected a whole number of seconds')
      .nonnegative('expected 0 or more seconds')
      .default(1800),
    sessionIds: z
      .enum(SESSION_IDS as [SessionIds, ...SessionIds[]], {
        message:
          'expected "sequential" (1, 2, 3… over the selection, as Objectiv numbers them) or "daily" (the UTC day × 10⁹ + the number within the day; scales on BigQuery)',
      })
      .optional(),
    identityResolution: z.string().min(1, 'expected the id of an IdentityContext, e.g. "email"').optional(),
    anonymizeUnidentifiedUsers: z.boolean().default(true),
    layout: z
      .enum(['objectiv', 'snowplow'], {
        message:
          'expected "objectiv" (the collector\'s data table: event_id, day, moment, cookie_id, value) or "snowplow" (the flattened Snowplow table on BigQuery)',
      })
      .default('objectiv'),
  })
  .strict()

export type ModelHubOptionsInput<G extends readonly string[]> = Omit<
  z.input<typeof modelHubOptionsSchema>,
  'globalContexts'
> & { readonly globalContexts?: G }

export type ModelHubSettings = z.output<typeof modelHubOptionsSchema>

/** Raised for an option that cannot work; names the option and what is valid. */
export class ModelHubOptionError extends Error {
  override readonly name = 'ModelHubOptionError'
}

/** Validates options with zod and turns the first problems into one readable error. */
export function parseModelHubOptions(input: unknown): ModelHubSettings {
  const result = modelHubOptionsSchema.safeParse(input ?? {})
  const given = (input ?? {}) as Record<string, unknown>
  if (result.success && given.anonymizeUnidentifiedUsers !== undefined && given.identityResolution === undefined) {
    throw new ModelHubOptionError(
      'Invalid model hub options: option "anonymizeUnidentifiedUsers" only applies with "identityResolution" (e.g. identityResolution: "email")',
    )
  }
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.') || 'options'
    if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    return `option "${path}": ${issue.message}`
  })
  throw new ModelHubOptionError(`Invalid model hub options: ${problems.join('; ')}`)
}
