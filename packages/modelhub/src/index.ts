// ModelHub lands with the pipeline issue; the operators it wraps live in @kysely-modelhub/core.
export { globalContexts, locationStack } from '@kysely-modelhub/core'
