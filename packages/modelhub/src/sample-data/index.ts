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
