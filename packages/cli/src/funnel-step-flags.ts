import type { FunnelStep } from '@kysely-modelhub/modelhub'
import { CliError } from './database.ts'

/** What `--step` means, for help texts and errors. */
export const STEP_SYNTAX =
  'any (every event), conversion (the --conversion-* event), type:<EventType>, a location-stack match as JSON, or a location id'

/** The event column a `conversion` step reads: the hub's conversion flag, added to the events first. */
export const CONVERSION_COLUMN = 'is_conversion_event'

/** Without --step: from any event to the conversion (so time to convert is from first seen to converting). */
const DEFAULT_STEPS = ['any', 'conversion']

/** `--step` values (repeatable, in order) as funnel steps; whether one is the conversion. */
export function parseSteps(values: readonly string[] | undefined): { steps: FunnelStep[]; conversion: boolean } {
  const texts = values?.length ? values : DEFAULT_STEPS
  return { steps: texts.map(parseStep), conversion: texts.includes('conversion') }
}

function parseStep(text: string): FunnelStep {
  // Built from the expression builder: importing Kysely here would slow down every command's start.
  if (text === 'any') return (eb) => eb.lit(true)
  if (text === 'conversion') return (eb) => eb(CONVERSION_COLUMN, '=', true)
  if (text.startsWith('type:') && text.length > 5) {
    const type = text.slice(5)
    return (eb) => eb('event_type', '=', type)
  }
  if (text.trim().startsWith('{')) {
    let match: unknown
    try {
      match = JSON.parse(text)
    } catch {
      throw new CliError(`invalid --step ${JSON.stringify(text)}: not valid JSON; expected ${STEP_SYNTAX}`)
    }
    const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v)
    if (match === null || typeof match !== 'object' || Array.isArray(match) || !Object.values(match).every(scalar)) {
      throw new CliError(`invalid --step ${JSON.stringify(text)}: expected a JSON object of scalar values`)
    }
    return match as FunnelStep
  }
  if (text.trim().length === 0) throw new CliError(`invalid --step "": expected ${STEP_SYNTAX}`)
  return { id: text }
}
