import { ModelHubInputError } from '@kysely-modelhub/core'
import { z } from 'zod'

/**
 * The Objectiv tracker event as stored in `data.value` (docs/semantics.md §S1.1). Objects are
 * loose: trackers add fields (`url`, `href`, `message`…) that the models do not need but keep.
 */

const types = z.array(z.string())

/** A location context: `{ _type, id, _types?, …}`. */
export const locationContextSchema = z.looseObject({ _type: z.string(), id: z.string(), _types: types.optional() })
export type LocationContextJson = z.infer<typeof locationContextSchema>

const globalContext = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ _type: z.literal(type), id: z.string(), _types: types.optional(), ...shape })

/** The global contexts whose fields the models read. */
const KNOWN_GLOBAL_CONTEXTS = [
  globalContext('ApplicationContext', {}),
  globalContext('HttpContext', { referrer: z.string(), user_agent: z.string(), remote_address: z.string().optional() }),
  globalContext('PathContext', {}),
  globalContext('CookieIdContext', { cookie_id: z.string() }),
  // Objectiv's trackers write null for the UTM parameters a link did not have.
  globalContext('MarketingContext', {
    source: z.string(),
    medium: z.string(),
    campaign: z.string(),
    term: z.string().nullish(),
    content: z.string().nullish(),
    source_platform: z.string().nullish(),
    creative_format: z.string().nullish(),
    marketing_tactic: z.string().nullish(),
  }),
  globalContext('IdentityContext', { value: z.string() }),
] as const
const KNOWN_TYPES: ReadonlySet<string> = new Set(KNOWN_GLOBAL_CONTEXTS.map((schema) => schema.shape._type.value))

/**
 * A known global context checked by its `_type`, or any other `{ _type, id }`. A discriminated
 * union cannot have a catch-all member, so the catch-all is a second member that refuses the known
 * types: a known context with a bad field then fails instead of passing as an unknown one.
 */
export const globalContextSchema = z.union([
  z.discriminatedUnion('_type', KNOWN_GLOBAL_CONTEXTS),
  // `abort` makes this a failure of the member, so a union error lists both members' issues.
  locationContextSchema.refine((context) => !KNOWN_TYPES.has(context._type), {
    path: ['_type'],
    message: 'a known type with bad fields',
    abort: true,
  }),
])
export type KnownGlobalContextJson = z.infer<(typeof KNOWN_GLOBAL_CONTEXTS)[number]>
/** A global context of a type without known fields (LocaleContext, SessionContext…). */
export type OtherGlobalContextJson = LocationContextJson
export type GlobalContextJson = z.infer<typeof globalContextSchema>

/** The whole tracker event. */
export const objectivEventSchema = z.looseObject({
  _type: z.string(),
  _types: types,
  id: z.uuid(),
  time: z.int(),
  location_stack: z.array(locationContextSchema),
  global_contexts: z.array(globalContextSchema),
})
export type ObjectivEventJson = z.infer<typeof objectivEventSchema>

type Issue = z.core.$ZodIssue

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** How the message names the event: its id when it has a string one, else its position. */
function eventName(json: unknown, position: number | undefined): string {
  const id = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined
  if (typeof id === 'string') return UUID.test(id) ? id : JSON.stringify(id)
  return position === undefined ? '(no id)' : `#${position}`
}

/** `location_stack[2].id` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('')
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  array: 'an array',
  object: 'an object',
  boolean: 'a boolean',
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function problem(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${shown(issue.input)}`
    case 'invalid_format':
      return `expected a ${issue.format}, got ${shown(issue.input)}`
    default:
      return issue.message
  }
}

/**
 * The issues to report, with full paths. Of a union's members, the one the value meant is the one
 * that got past `_type`: an HttpContext missing `user_agent` reports that, not "not an unknown type".
 */
function leaves(issue: Issue, path: readonly PropertyKey[] = []): { issue: Issue; path: PropertyKey[] }[] {
  const at = [...path, ...issue.path]
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path: at }]
  const meant = issue.errors.find((member) => member.some((i) => i.path[0] !== '_type')) ?? issue.errors.at(-1) ?? []
  return meant.flatMap((i) => leaves(i, at))
}

/**
 * Checks one tracker event and returns it typed, or throws a {@link ModelHubInputError} naming the
 * event (its id, else its 0-based `position` in the input) and the first bad field:
 * `event 3f2…: location_stack[2].id: expected a string, got 42`.
 *
 * @example for (const [i, json] of rows.entries()) validateEvent(json, i)
 */
export function validateEvent(json: unknown, position?: number): ObjectivEventJson {
  const result = objectivEventSchema.safeParse(json)
  if (result.success) return result.data
  // Parsed again for the message only: reporting inputs doubles the cost of every valid event.
  const issues = (objectivEventSchema.safeParse(json, { reportInput: true }).error?.issues ?? []).flatMap((i) =>
    leaves(i),
  )
  const [first, ...rest] = issues as [ReturnType<typeof leaves>[number], ...ReturnType<typeof leaves>]
  const where = first.path.length > 0 ? `${fieldPath(first.path)}: ` : ''
  const more = rest.length > 0 ? ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})` : ''
  throw new ModelHubInputError(`event ${eventName(json, position)}: ${where}${problem(first.issue)}${more}`)
}
