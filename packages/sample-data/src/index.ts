export {
  type GlobalContextJson,
  globalContextSchema,
  type KnownGlobalContextJson,
  type LocationContextJson,
  locationContextSchema,
  type ObjectivEventJson,
  type OtherGlobalContextJson,
  objectivEventSchema,
  validateEvent,
} from './event-schema.ts'
export { generateSampleEvents, type SampleDataOptions, type SampleEventRow } from './generate.ts'
export {
  createEventsTable,
  type EventsTableOptions,
  type LoadEventsOptions,
  loadEvents,
} from './load-events.ts'
export { type LoadSampleDataOptions, loadSampleData } from './load-sample-data.ts'
