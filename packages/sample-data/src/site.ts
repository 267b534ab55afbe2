import type { LocationContextJson } from './event-schema.ts'
import type { Random } from './random.ts'

/**
 * The two applications of objectiv.io as the sample data sees them: their pages, the location
 * stacks a visitor can interact with on each, and what each interaction emits.
 */

export type AppId = 'objectiv-website' | 'objectiv-docs'
export type LocationStack = readonly LocationContextJson[]

export interface Page {
  readonly app: AppId
  /** The RootLocationContext id. */
  readonly root: string
  /** The PathContext id. */
  readonly url: string
}

/** Every event shares these arrays; frozen so that no consumer can change them all at once. */
function deepFreeze<T extends Record<string, readonly string[]>>(table: T): T {
  for (const types of Object.values(table)) Object.freeze(types)
  return Object.freeze(table)
}

/** Event types with the ancestry the tracker writes into `_types`. */
export const EVENT_TYPES = deepFreeze({
  PressEvent: ['AbstractEvent', 'InteractiveEvent', 'PressEvent'],
  InputChangeEvent: ['AbstractEvent', 'InteractiveEvent', 'InputChangeEvent'],
  ApplicationLoadedEvent: ['AbstractEvent', 'NonInteractiveEvent', 'ApplicationLoadedEvent'],
  VisibleEvent: ['AbstractEvent', 'NonInteractiveEvent', 'VisibleEvent'],
  HiddenEvent: ['AbstractEvent', 'NonInteractiveEvent', 'HiddenEvent'],
  SuccessEvent: ['AbstractEvent', 'NonInteractiveEvent', 'SuccessEvent'],
  FailureEvent: ['AbstractEvent', 'NonInteractiveEvent', 'FailureEvent'],
  MediaLoadEvent: ['AbstractEvent', 'NonInteractiveEvent', 'MediaEvent', 'MediaLoadEvent'],
  MediaStartEvent: ['AbstractEvent', 'NonInteractiveEvent', 'MediaEvent', 'MediaStartEvent'],
} as const satisfies Record<string, readonly string[]>)
export type EventType = keyof typeof EVENT_TYPES

const LOCATION_TYPES = {
  RootLocationContext: [],
  NavigationContext: [],
  ContentContext: [],
  OverlayContext: [],
  ExpandableContext: [],
  PressableContext: [],
  LinkContext: ['PressableContext'],
  InputContext: [],
  MediaPlayerContext: [],
} as const satisfies Record<string, readonly string[]>
type LocationType = keyof typeof LOCATION_TYPES

const contexts = new Map<string, LocationContextJson>()

/** One shared, frozen object per context of the site: millions of events hold no copies. */
function at(type: LocationType, id: string, extra: { href?: string } = {}): LocationContextJson {
  const key = `${type}\u0000${id}\u0000${extra.href ?? ''}`
  let context = contexts.get(key)
  if (!context) {
    const _types = Object.freeze(['AbstractContext', 'AbstractLocationContext', ...LOCATION_TYPES[type], type])
    // Frozen and shared by every event; the schema's type says string[] (a JSON array).
    context = Object.freeze({ _type: type, id, _types: _types as unknown as string[], ...extra })
    contexts.set(key, context)
  }
  return context
}

const stack = (...contexts: LocationContextJson[]): LocationStack => Object.freeze(contexts)

const page = (app: AppId, root: string, path: string): Page =>
  Object.freeze({ app, root, url: `https://objectiv.io${path}` })

export const PAGES = {
  home: page('objectiv-website', 'home', '/'),
  about: page('objectiv-website', 'about', '/about'),
  blog: page('objectiv-website', 'blog', '/blog'),
  jobs: page('objectiv-website', 'jobs', '/jobs'),
  privacy: page('objectiv-website', 'privacy', '/privacy/cookies'),
  docsHome: page('objectiv-docs', 'home', '/docs/'),
  quickstart: page('objectiv-docs', 'quickstart-guide', '/docs/home/quickstart-guide'),
  taxonomy: page('objectiv-docs', 'taxonomy', '/docs/taxonomy/'),
  modeling: page('objectiv-docs', 'modeling', '/docs/modeling/'),
  tracking: page('objectiv-docs', 'tracking', '/docs/tracking/'),
} as const
export type PageKey = keyof typeof PAGES

/** Where sessions start: most on the website's home, returning visitors more often in the docs. */
export const LANDING_PAGES: readonly (readonly [PageKey, number])[] = [
  ['home', 55],
  ['blog', 10],
  ['about', 5],
  ['docsHome', 15],
  ['quickstart', 5],
  ['modeling', 6],
  ['taxonomy', 4],
]

/** One event of an interaction; `to` is the page the visitor is on afterwards. */
export interface Step {
  readonly type: EventType
  readonly stack: LocationStack
  readonly to?: PageKey
  /** A reaction of the page (overlay shown, media started), milliseconds after the step before. */
  readonly quick?: boolean
  readonly message?: string
}

const root = (p: Page) => at('RootLocationContext', p.root)

/** A link press; the page changes when the link leads somewhere on objectiv.io. */
function link(base: LocationStack, id: string, to: PageKey | null, href?: string): Step {
  const target = to ? PAGES[to].url : (href ?? '')
  return to
    ? { type: 'PressEvent', stack: stack(...base, at('LinkContext', id, { href: target })), to }
    : { type: 'PressEvent', stack: stack(...base, at('LinkContext', id, { href: target })) }
}

type Interaction = readonly [(p: Page, random: Random) => Step[], number]

const GITHUB = 'https://github.com/objectiv/objectiv-analytics'

const WEBSITE_NAV: readonly (readonly [string, PageKey | null])[] = [
  ['Docs', 'docsHome'],
  ['About Us', 'about'],
  ['Blog', 'blog'],
  ['Jobs', 'jobs'],
  ['GitHub', null],
]

/** The interactions every website page has: the top navigation, the hamburger menu and the footer. */
const WEBSITE: readonly Interaction[] = [
  [
    (p, r) => {
      const [id, to] = r.pick(WEBSITE_NAV)
      return [link([root(p), at('NavigationContext', 'navbar-top')], id, to, GITHUB)]
    },
    30,
  ],
  [
    (p, r) => {
      const nav = at('NavigationContext', 'navbar-top')
      const overlay = at('OverlayContext', 'hamburger-menu')
      const [id, to] = r.pick(WEBSITE_NAV)
      return [
        { type: 'PressEvent', stack: stack(root(p), nav, at('PressableContext', 'hamburger')) },
        { type: 'VisibleEvent', stack: stack(root(p), nav, overlay), quick: true },
        link([root(p), nav, overlay], id, to, GITHUB),
        { type: 'HiddenEvent', stack: stack(root(p), nav, overlay), quick: true },
      ]
    },
    12,
  ],
  [
    (p, r) => {
      const [id, to] = r.pick([['Privacy Policy', 'privacy'] as const, ['Cookies', 'privacy'] as const])
      return [link([root(p), at('NavigationContext', 'footer')], id, to)]
    },
    4,
  ],
]

const NEWSLETTER: Interaction = [
  (p, r) => {
    const section = at('ContentContext', 'newsletter')
    const ok = r.chance(0.85)
    return [
      { type: 'InputChangeEvent', stack: stack(root(p), section, at('InputContext', 'email-address')) },
      { type: 'PressEvent', stack: stack(root(p), section, at('PressableContext', 'subscribe')) },
      ok
        ? { type: 'SuccessEvent', stack: stack(root(p), section), quick: true, message: 'Subscribed to the newsletter' }
        : { type: 'FailureEvent', stack: stack(root(p), section), quick: true, message: 'Invalid email address' },
    ]
  },
  3,
]

/** The docs' top navigation, search and sidebar, on every docs page. */
const DOCS: readonly Interaction[] = [
  [
    (p, r) => {
      const [id, to] = r.pick([['Objectiv', 'home'] as const, ['GitHub', null] as const])
      return [link([root(p), at('NavigationContext', 'navbar-top')], id, to, GITHUB)]
    },
    10,
  ],
  [
    (p) => [
      {
        type: 'InputChangeEvent',
        stack: stack(root(p), at('NavigationContext', 'navbar-top'), at('InputContext', 'search')),
      },
    ],
    6,
  ],
  [(p) => [link([root(p), at('NavigationContext', 'docs-sidebar')], 'Quickstart Guide', 'quickstart')], 5],
  [(p) => [link([root(p), at('NavigationContext', 'docs-sidebar')], 'Taxonomy', 'taxonomy')], 8],
  [
    (p, r) => {
      const sidebar = at('NavigationContext', 'docs-sidebar')
      const [section, id, to] = r.pick([
        ['Modeling', 'Open Model Hub', 'modeling'] as const,
        ['Modeling', 'Bach', 'modeling'] as const,
        ['Tracking', 'React Tracker', 'tracking'] as const,
        ['Tracking', 'Browser Tracker', 'tracking'] as const,
      ])
      const expandable = at('ExpandableContext', section)
      return [
        { type: 'PressEvent', stack: stack(root(p), sidebar, expandable) },
        link([root(p), sidebar, expandable], id, to),
      ]
    },
    14,
  ],
  [
    (p, r) => {
      const next = r.pick(['taxonomy', 'modeling', 'tracking'] as const)
      return [link([root(p), at('ContentContext', 'article')], 'next-page', next)]
    },
    10,
  ],
]

/** What can be done on each page besides the navigation the whole application has. */
const ON_PAGE: Readonly<Record<PageKey, readonly Interaction[]>> = {
  home: [
    [(p) => [link([root(p), at('ContentContext', 'hero')], 'Quickstart Guide', 'quickstart')], 7],
    [(p) => [link([root(p), at('ContentContext', 'taxonomy')], 'cta-docs-taxonomy', 'taxonomy')], 6],
    [(p) => [link([root(p), at('ContentContext', 'modeling')], 'cta-docs-modeling', 'modeling')], 6],
    [
      (p) => {
        const player = stack(root(p), at('ContentContext', 'hero'), at('MediaPlayerContext', 'product-demo'))
        return [
          { type: 'MediaLoadEvent', stack: player },
          { type: 'MediaStartEvent', stack: player, quick: true },
        ]
      },
      6,
    ],
    NEWSLETTER,
  ],
  about: [[(p) => [link([root(p), at('ContentContext', 'team')], 'Jobs', 'jobs')], 5]],
  blog: [
    [
      (p, r) => {
        const post = r.pick(['product-analytics-with-objectiv', 'taxonomy-explained', 'open-model-hub-release'])
        return [link([root(p), at('ContentContext', 'post-list')], post, null, `https://objectiv.io/blog/${post}`)]
      },
      10,
    ],
    NEWSLETTER,
  ],
  jobs: [
    [
      (p, r) => {
        const job = at('ExpandableContext', r.pick(['Senior Data Engineer', 'Developer Advocate']))
        return [
          { type: 'PressEvent', stack: stack(root(p), at('ContentContext', 'vacancies'), job) },
          { type: 'VisibleEvent', stack: stack(root(p), at('ContentContext', 'vacancies'), job), quick: true },
        ]
      },
      6,
    ],
  ],
  privacy: [],
  docsHome: [[(p) => [link([root(p), at('ContentContext', 'article')], 'Quickstart Guide', 'quickstart')], 6]],
  quickstart: [],
  taxonomy: [],
  modeling: [],
  tracking: [],
}

/** The application's navigation plus the page's own content. */
const byPage = {} as Record<PageKey, readonly Interaction[]>
for (const key of Object.keys(PAGES) as PageKey[]) {
  byPage[key] = [...(PAGES[key].app === 'objectiv-website' ? WEBSITE : DOCS), ...ON_PAGE[key]]
}

/** The next thing a visitor on `page` does: one to four events. */
export function interact(page: PageKey, random: Random): Step[] {
  return random.weighted(byPage[page])(PAGES[page], random)
}

/** The application's first event on a page. */
export const loaded = (p: Page): Step => ({ type: 'ApplicationLoadedEvent', stack: stack(root(p)) })

/** The cookie banner a first visit gets: shown, accepted or rejected, hidden. */
export function cookieBanner(p: Page, random: Random): Step[] {
  const banner = at('OverlayContext', 'cookie-banner')
  return [
    { type: 'VisibleEvent', stack: stack(root(p), banner), quick: true },
    {
      type: 'PressEvent',
      stack: stack(root(p), banner, at('PressableContext', random.chance(0.8) ? 'accept-all' : 'reject-all')),
    },
    { type: 'HiddenEvent', stack: stack(root(p), banner), quick: true },
  ]
}
