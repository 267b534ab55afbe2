import type { GlobalContextJson, ObjectivEventJson } from './event-schema.ts'
import type { Random } from './random.ts'
import { cookieBanner, EVENT_TYPES, interact, LANDING_PAGES, loaded, PAGES, type PageKey, type Step } from './site.ts'

/**
 * One visitor (one cookie) of objectiv.io: sessions on one or more days, each a walk through the
 * site, yielded event by event so that no visitor's history is ever held in memory.
 */

export const MINUTE = 60_000
export const DAY = 24 * 60 * MINUTE
/** Events of a session are at most this far apart… */
export const MAX_GAP_IN_SESSION = 15 * MINUTE
/** …and sessions at least this far apart: more than the 30 minutes sessionization uses. */
export const MIN_GAP_BETWEEN_SESSIONS = 31 * MINUTE

export interface Visitor {
  readonly index: number
  readonly cookieId: string
  /** Events this visitor emits in all. */
  readonly events: number
  /** The first session's start, ms since the epoch. */
  readonly firstVisit: number
  /** Email addresses the visitor signs in with, and from which of their events on. */
  readonly identities: readonly { readonly email: string; readonly fromEvent: number }[]
}

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.51 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.74 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:98.0) Gecko/20100101 Firefox/98.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 15_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.3 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.3 Safari/605.1.15',
]

const REFERRERS: readonly (readonly [string, number])[] = [
  ['', 50],
  ['https://www.google.com/', 30],
  ['https://github.com/objectiv/objectiv-analytics', 10],
  ['https://news.ycombinator.com/', 10],
]

const CAMPAIGNS = [
  {
    source: 'google',
    medium: 'cpc',
    campaign: 'product-analytics',
    term: 'product analytics',
    referrer: 'https://www.google.com/',
  },
  { source: 'twitter', medium: 'social', campaign: 'open-model-hub-launch', term: null, referrer: 'https://t.co/' },
  {
    source: 'linkedin',
    medium: 'social',
    campaign: 'data-scientists',
    term: null,
    referrer: 'https://www.linkedin.com/',
  },
  { source: 'newsletter', medium: 'email', campaign: 'march-2022', term: null, referrer: '' },
] as const

/** Visits by hour of day (UTC): a working-hours curve. */
const HOURS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 8, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((w, h) => [h, w] as const)

/** A time on the day that contains `time`. */
function onDay(time: number, random: Random): number {
  const midnight = time - (((time % DAY) + DAY) % DAY)
  return midnight + random.weighted(HOURS) * 60 * MINUTE + random.int(0, 60 * MINUTE - 1)
}

export function firstVisit(startMs: number, days: number, random: Random): number {
  return onDay(startMs + random.int(0, days - 1) * DAY, random)
}

/** Later the same day now and then, otherwise a few days later. */
function nextSession(last: number, random: Random): number {
  const candidate = random.chance(0.35)
    ? last + MIN_GAP_BETWEEN_SESSIONS + random.exponential(3 * 60 * MINUTE)
    : onDay(last + (1 + Math.floor(random.exponential(3))) * DAY, random)
  return Math.round(Math.max(candidate, last + MIN_GAP_BETWEEN_SESSIONS))
}

/** Most sessions are short; a quarter are bounces (only the page load). */
const sessionLength = (random: Random): number => (random.chance(0.25) ? 1 : 2 + Math.floor(random.exponential(5)))

/** Seconds to minutes of reading between interactions, milliseconds for the page's own reactions. */
const delay = (step: Step, random: Random): number =>
  step.quick ? random.int(150, 1500) : Math.min(MAX_GAP_IN_SESSION, 1000 + Math.round(random.exponential(40_000)))

/** Shared and frozen like the location contexts, so no event carries copies (typed string[] as in the schema). */
const globalTypes = (type: string): string[] =>
  Object.freeze(['AbstractContext', 'AbstractGlobalContext', type]) as unknown as string[]
const TYPES = {
  application: globalTypes('ApplicationContext'),
  http: globalTypes('HttpContext'),
  path: globalTypes('PathContext'),
  cookie: globalTypes('CookieIdContext'),
  marketing: globalTypes('MarketingContext'),
  identity: globalTypes('IdentityContext'),
}

/** Every event of a visitor, in time order; `nextId` gives each its uuid. */
export function* visitorEvents(visitor: Visitor, random: Random, nextId: () => string): Generator<ObjectivEventJson> {
  const userAgent = random.pick(USER_AGENTS)
  const remoteAddress = `203.0.113.${random.int(1, 254)}`
  const cookie: GlobalContextJson = {
    _type: 'CookieIdContext',
    id: visitor.cookieId,
    _types: TYPES.cookie,
    cookie_id: visitor.cookieId,
  }
  let emitted = 0
  let time = visitor.firstVisit
  for (let session = 0; emitted < visitor.events; session++) {
    if (session > 0) time = nextSession(time, random)
    const length = Math.min(visitor.events - emitted, sessionLength(random))
    const identity = visitor.identities.findLast((i) => i.fromEvent <= emitted)
    const campaign = random.chance(0.2) ? random.pick(CAMPAIGNS) : undefined
    let referrer = campaign ? campaign.referrer : random.weighted(REFERRERS)
    let page: PageKey = random.weighted(LANDING_PAGES)
    let next: PageKey | undefined
    const queue: Step[] = [loaded(PAGES[page]), ...(session === 0 ? cookieBanner(PAGES[page], random) : [])]
    for (let i = 0; i < length; i++) {
      if (queue.length === 0) {
        // The interaction is over: follow its link, with a page load when it leads to the other application.
        if (next && PAGES[next].app !== PAGES[page].app) {
          referrer = PAGES[page].url
          queue.push({ ...loaded(PAGES[next]), quick: true })
        }
        page = next ?? page
        next = undefined
        if (queue.length === 0) queue.push(...interact(page, random))
      }
      const step = queue.shift() as Step
      if (i > 0) time += delay(step, random)
      next = step.to ?? next
      const contexts: GlobalContextJson[] = [
        { _type: 'ApplicationContext', id: PAGES[page].app, _types: TYPES.application },
        {
          _type: 'HttpContext',
          id: 'http_context',
          _types: TYPES.http,
          referrer,
          user_agent: userAgent,
          remote_address: remoteAddress,
        },
        { _type: 'PathContext', id: PAGES[page].url, _types: TYPES.path },
        cookie,
      ]
      if (campaign && i === 0) {
        const { referrer: _, ...utm } = campaign
        contexts.push({ _type: 'MarketingContext', id: 'utm', _types: TYPES.marketing, ...utm, content: null })
      }
      if (identity) {
        contexts.push({ _type: 'IdentityContext', id: 'email', _types: TYPES.identity, value: identity.email })
      }
      yield {
        _type: step.type,
        // Frozen and shared, as globalTypes.
        _types: EVENT_TYPES[step.type] as unknown as string[],
        id: nextId(),
        time,
        location_stack: step.stack as ObjectivEventJson['location_stack'],
        global_contexts: contexts,
        ...(step.message ? { message: step.message } : {}),
      }
    }
    emitted += length
  }
}
