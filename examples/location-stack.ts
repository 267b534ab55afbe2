/**
 * A first look: a few Objectiv events in embedded PGlite, read with the location-stack
 * operators. Run with `pnpm demo` (no server, no configuration).
 */
import { type GlobalContext, globalContexts, type LocationContext, locationStack } from '@kysely-modelhub/core'
import { createPgliteDb, postgres } from '@kysely-modelhub/postgres'
import { sql } from 'kysely'

interface Database {
  events: {
    event_id: string
    moment: Date
    event_type: string
    location_stack: LocationContext[]
    global_contexts: GlobalContext[]
  }
}

const ctx = (type: string, id: string): LocationContext => ({ _type: type, id })
const home = [ctx('RootLocationContext', 'home'), ctx('NavigationContext', 'navbar-top')]
const events: [string, string, LocationContext[], string][] = [
  ['2022-03-01 09:00:00', 'PressEvent', [...home, ctx('LinkContext', 'Docs')], 'website'],
  [
    '2022-03-01 09:00:05',
    'PressEvent',
    [ctx('RootLocationContext', 'home'), ctx('ContentContext', 'hero'), ctx('LinkContext', 'Quickstart Guide')],
    'website',
  ],
  [
    '2022-03-01 09:03:10',
    'PressEvent',
    [ctx('RootLocationContext', 'docs'), ctx('ExpandableContext', 'Modeling'), ctx('LinkContext', 'Open Model Hub')],
    'docs',
  ],
  ['2022-03-02 14:12:00', 'PressEvent', [...home, ctx('LinkContext', 'Docs')], 'website'],
  [
    '2022-03-02 14:12:30',
    'VisibleEvent',
    [ctx('RootLocationContext', 'home'), ctx('OverlayContext', 'cookie-banner')],
    'website',
  ],
]

console.log('Starting embedded PGlite…')
const db = await createPgliteDb<Database>()
await sql`create table events (event_id text, moment timestamp, event_type text, location_stack jsonb, global_contexts jsonb)`.execute(
  db,
)
await db
  .insertInto('events')
  .values(
    events.map(([moment, eventType, stack, app], i) => ({
      event_id: `e${i + 1}`,
      moment: new Date(`${moment}Z`),
      event_type: eventType,
      location_stack: JSON.stringify(stack) as never,
      global_contexts: JSON.stringify([{ _type: 'ApplicationContext', id: app }]) as never,
    })),
  )
  .execute()

// Which features were pressed, by whom, named the way Objectiv names them.
const features = await db
  .selectFrom('events')
  .where('event_type', '=', 'PressEvent')
  .select((eb) => {
    const ls = locationStack(eb.ref('location_stack'), postgres)
    return [
      globalContexts(eb.ref('global_contexts'), postgres).get('id').as('application'),
      ls.niceName().as('feature'),
      ls.get('RootLocationContext', 'id').as('root'),
      eb.fn.countAll<number>().as('presses'),
    ]
  })
  .groupBy(['application', 'feature', 'root'])
  .orderBy('presses', 'desc')
  .orderBy('feature')
  .execute()
console.table(features)

// Presses inside the top navigation, and the part of the stack from the navigation down.
const navigation = await db
  .selectFrom('events')
  .where((eb) => locationStack(eb.ref('location_stack'), postgres).contains({ _type: 'NavigationContext' }))
  .select((eb) => {
    const ls = locationStack(eb.ref('location_stack'), postgres)
    return ['event_id', ls.navigationFeatures().niceName().as('from_navigation')]
  })
  .orderBy('event_id')
  .execute()
console.table(navigation)

await db.destroy()
