import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHubInputError } from '@kysely-modelhub/core'
import { postgres } from '@kysely-modelhub/postgres'
import { Kysely, PostgresDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { ModelHub, ModelHubOptionError } from '../src/index.ts'

// Never connects: options are checked and SQL is built without a database.
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) })
const hub = (options: object) => new ModelHub(db, { engine: postgres, ...options })

describe('ModelHub options', () => {
  it('fills the documented defaults', () => {
    expect(hub({}).settings).toMatchObject({
      table: 'data',
      timeAggregation: '%Y-%m-%d',
      timeZone: 'UTC',
      globalContexts: [],
      sessionGapSeconds: 1800,
      anonymizeUnidentifiedUsers: true,
    })
    expect(hub({}).settings.identityResolution).toBeUndefined()
  })

  it.each([
    [{ sessionGapSeconds: -5 }, 'option "sessionGapSeconds": expected 0 or more seconds'],
    [{ sessionGapSeconds: 1.5 }, 'option "sessionGapSeconds": expected a whole number of seconds'],
    [{ sessionGapSeconds: '1800' }, 'option "sessionGapSeconds": Invalid input: expected number, received string'],
    [{ timeAggregation: '%Q%' }, 'option "timeAggregation": time format: got "%Q%"; the code %Q is not supported'],
    [{ timeAggregation: '%Y-%' }, 'a lone "%" at the end is not supported'],
    [{ globalContexts: ['Application'] }, 'option "globalContexts.0": expected a lowercase identifier'],
    [{ globalContexts: ['my-context'] }, 'option "globalContexts.0": expected a lowercase identifier'],
    [{ globalContexts: ['http', 'x; drop table data'] }, 'option "globalContexts.1": expected a lowercase identifier'],
    [{ globalContexts: ['session_id'] }, 'option "globalContexts.0": this name is already a column of the events'],
    [{ globalContexts: ['http', 'http'] }, 'option "globalContexts": each global context may be named once'],
    [{ identityResolution: '' }, 'option "identityResolution": expected the id of an IdentityContext'],
    [
      { anonymizeUnidentifiedUsers: false },
      'option "anonymizeUnidentifiedUsers" only applies with "identityResolution"',
    ],
    [{ table: '' }, 'option "table": expected a table name'],
    [{ timeZone: 'Europe/Amstredam' }, 'option "timeZone": got "Europe/Amstredam"; not an IANA time zone name'],
    [{ timeZone: 'EST' }, "such as 'UTC', 'Europe/Amsterdam', 'America/Los_Angeles' or 'Asia/Kolkata'"],
    [{ timeZone: '+01:00' }, "Intl.supportedValuesOf('timeZone')"],
    [{ timeZone: 1 }, 'option "timeZone": Invalid input: expected string, received number'],
    [{ sessionGap: 5 }, 'unknown option "sessionGap"'],
    [{ engine: 'postgres' }, 'option "engine": expected an engine object'],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => hub(options)).toThrow(ModelHubOptionError)
    expect(() => hub(options)).toThrow(message)
  })

  it('keeps IANA names as the tz database spells them', () => {
    expect(
      ['utc', 'europe/amsterdam', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'].map(
        (timeZone) => hub({ timeZone }).settings.timeZone,
      ),
    ).toEqual(['UTC', 'Europe/Amsterdam', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
  })

  it('needs an engine for a Kysely it cannot recognise', () => {
    expect(() => new ModelHub(db)).toThrow('option "engine" is required')
  })

  it('defaults the table by engine', () => {
    expect(new ModelHub(db, { engine: bigquery }).settings.table).toBe('events')
  })
})

describe('events() date window', () => {
  it.each([
    [{ startDate: '2022-13-01' }, 'startDate: got "2022-13-01"'],
    [{ startDate: '2022-02-30' }, 'startDate: got "2022-02-30"'],
    [{ endDate: 'x' }, 'endDate: got "x"; expected a calendar date written \'YYYY-MM-DD\''],
    [{ startDate: '2022-03-01T00:00:00Z' }, 'startDate: got "2022-03-01T00:00:00Z"'],
    [{ startDate: 20220301 }, 'startDate: got 20220301'],
    [
      { startDate: '2022-03-02', endDate: '2022-03-01' },
      'endDate: got "2022-03-01"; it is before startDate 2022-03-02',
    ],
  ])('rejects %j', (window, message) => {
    expect(() => hub({}).events(window as never)).toThrow(ModelHubInputError)
    expect(() => hub({}).events(window as never)).toThrow(message)
  })

  it('passes dates as parameters and filters on day', () => {
    const { sql, parameters } = hub({}).events({ startDate: '2022-03-01', endDate: '2022-03-01' }).compile()
    expect(parameters).toEqual(['2022-03-01', '2022-03-01'])
    expect(sql).toContain('"day" >= $1::date and "day" <= $2::date')
  })

  it('quotes the table name as an identifier, schema included', () => {
    expect(hub({ table: 'analytics.data' }).events().compile().sql).toContain('from "analytics"."data" as "data"')
    expect(hub({ table: 'we"ird' }).events().compile().sql).toContain('from "we""ird" as "data"')
  })
})
