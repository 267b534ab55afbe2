import { ModelHubInputError } from '@kysely-modelhub/core'
import { postgres } from '@kysely-modelhub/postgres'
import { Kysely, PostgresDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { ModelHub } from '../src/index.ts'

// Never connects: every check below happens while the query is built, before any SQL runs.
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) })
const hub = new ModelHub(db, { engine: postgres, globalContexts: ['application'] }).addConversionEvent({
  name: 'press',
  eventType: 'PressEvent',
})
const q = hub.events()

/** Untyped callers (JavaScript, JSON configuration): what the compiler would refuse, called anyway. */
const untyped = hub as any
/** The required options plus the given ones; anything but an object as it is. */
const plus = (required: object, given: unknown) =>
  typeof given === 'object' && given !== null ? { ...required, ...given } : given
const calls: [string, (options: any) => unknown, string][] = [
  ['hub.agg.uniqueUsers', (o) => untyped.agg.uniqueUsers(q, o), 'groupBy'],
  ['hub.agg.uniqueSessions', (o) => untyped.agg.uniqueSessions(q, o), 'groupBy'],
  ['hub.agg.sessionDuration', (o) => untyped.agg.sessionDuration(q, o), 'excludeBounces'],
  ['hub.agg.retentionMatrix', (o) => untyped.agg.retentionMatrix(q, o), 'percentage'],
  ['hub.agg.topProductFeatures', (o) => untyped.agg.topProductFeatures(q, o), 'eventType'],
  [
    'hub.agg.topProductFeaturesBeforeConversion',
    (o) => untyped.agg.topProductFeaturesBeforeConversion(q, 'press', o),
    'locationStack',
  ],
  ['hub.agg.dropOffLocations', (o) => untyped.agg.dropOffLocations(q, o), 'percentage'],
  ['hub.agg.funnelConversion', (o) => untyped.agg.funnelConversion(q, o), 'groupBy'],
  ['hub.map.isFirstSession', (o) => untyped.map.isFirstSession(q, o), 'as'],
  ['hub.map.isNewUser', (o) => untyped.map.isNewUser(q, o), 'timeAggregation'],
  ['hub.map.isConversionEvent', (o) => untyped.map.isConversionEvent(q, 'press', o), 'as'],
  ['hub.map.conversionsInTime', (o) => untyped.map.conversionsInTime(q, 'press', o), 'partition'],
  ['hub.map.conversionsCounter', (o) => untyped.map.conversionsCounter(q, 'press', o), 'partition'],
  ['hub.map.preConversionHitNumber', (o) => untyped.map.preConversionHitNumber(q, 'press', o), 'partition'],
  ['hub.map.timeAgg', (o) => untyped.map.timeAgg(q, o), 'timeAggregation'],
  ['hub.funnel.navigationPaths', (o) => untyped.funnel.navigationPaths(q, plus({ steps: 2 }, o)), 'nExamples'],
  [
    'hub.funnel.orderedSteps',
    (o) => untyped.funnel.orderedSteps(q, plus({ steps: [{ eventType: 'PressEvent' }] }, o)),
    'conversionWindowSeconds',
  ],
  [
    'hub.funnel.timeToConvert',
    (o) => untyped.funnel.timeToConvert(q, plus({ steps: [{ id: 'a' }, { id: 'b' }] }, o)),
    'fromStep',
  ],
  ['hub.funnel.sankeyLinks', (o) => untyped.funnel.sankeyLinks([], o), 'nTopExamples'],
  ['hub.ml.logisticRegression', (o) => untyped.ml.logisticRegression(o), 'maxIter'],
  ['hub.events', (o) => untyped.events(o), 'startDate'],
  ['hub.toSql', (o) => untyped.toSql(q, o), 'inlineParameters'],
  ['hub.materialize', (o) => untyped.materialize(q, plus({ kind: 'cte' }, o)), 'name'],
  ['hub.execute', (o) => untyped.execute(q, o), 'timeoutMs'],
]

/** The error of a call that may throw at once or reject. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  return undefined
}

describe('model options from untyped callers', () => {
  it.each(calls)('%s refuses an unknown option, naming it and the valid ones', async (where, call, valid) => {
    const error = await errorOf(() => call({ colour: 'blue' }))
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${where.replaceAll('.', '\\.')}: unknown option "colour": got "blue"; valid options are .*"${valid}"`,
      ),
    )
  })

  it.each(calls)('%s refuses options that are not an object', async (where, call) => {
    const error = await errorOf(() => call('weekly'))
    expect(error).toBeInstanceOf(ModelHubInputError)
    expect((error as Error).message).toMatch(new RegExp(`^${where.replaceAll('.', '\\.')} options: got "weekly"`))
  })

  it.each([
    [
      () => untyped.agg.retentionMatrix(q, { timePeriod: 'weekly', percentag: true }),
      'hub.agg.retentionMatrix: unknown option "percentag": got true; did you mean "percentage"?',
    ],
    [
      () => untyped.agg.uniqueUsers(q, { groupby: null }),
      'hub.agg.uniqueUsers: unknown option "groupby": got null; did you mean "groupBy"?',
    ],
    [
      () => untyped.agg.sessionDuration(q, { exclude_bounces: false }),
      'hub.agg.sessionDuration: unknown option "exclude_bounces": got false; did you mean "excludeBounces"?',
    ],
  ])('suggests the option a typo was meant to be', (call, message) => {
    expect(call).toThrow(ModelHubInputError)
    expect(call).toThrow(message)
  })

  it.each([
    [
      () => untyped.agg.retentionMatrix(q, { startDate: '2022-3-1' }),
      `startDate: got "2022-3-1"; expected a calendar date`,
    ],
    [() => untyped.agg.retentionMatrix(q, { percentage: 'yes' }), 'percentage: got "yes"; expected true or false'],
    [() => untyped.agg.sessionDuration(q, { method: 'median' }), 'method: got "median"; expected "mean" or "sum"'],
    [() => untyped.agg.topProductFeatures(q, { locationStack: 3 }), 'locationStack: got 3; expected a function'],
    [() => untyped.map.isNewUser(q, { timeAggregation: 5 }), '"timeAggregation": got 5; expected a non-empty string'],
    [() => untyped.map.timeAgg(q, { timeZone: 'GMT' }), 'hub.map.timeAgg option "timeZone": got "GMT"; not an IANA'],
    [() => untyped.agg.stickiness(q, { interval: 'day', timeZone: 5 }), 'timeZone: got 5; not an IANA time zone'],
    [() => untyped.toSql(q, { pretty: 'no' }), '"pretty": got "no"; expected true or false'],
    [() => untyped.funnel.navigationPaths(q, { steps: 2, conversionName: 7 }), '"conversionName": got 7'],
  ])('refuses a value of the wrong kind, naming the option', (call, message) => {
    expect(call).toThrow(ModelHubInputError)
    expect(call).toThrow(message)
  })

  it('accepts every documented option, and undefined for any of them', () => {
    expect(() =>
      hub.agg.retentionMatrix(q, {
        timePeriod: 'weekly',
        eventType: 'PressEvent',
        startDate: '2022-03-01',
        endDate: '2022-04-01',
        percentage: true,
        timeZone: 'Europe/Amsterdam',
      }),
    ).not.toThrow()
    expect(() => hub.agg.lifecycle(q, { period: 'daily', timeZone: 'Asia/Kolkata' })).not.toThrow()
    expect(() => hub.agg.sessionDuration(q, { groupBy: undefined, excludeBounces: undefined })).not.toThrow()
    expect(() => hub.toSql(q, { pretty: false, inlineParameters: true })).not.toThrow()
  })
})
