import { describe, expect, it } from 'vitest'
import { MissingPgliteError, missingPglitePeer } from '../src/missing-pglite-error.ts'

describe('PGlite as an optional peer', () => {
  it('turns "module not found" into an error naming the package to install', () => {
    const notFound = Object.assign(new Error("Cannot find package '@electric-sql/pglite'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const error = missingPglitePeer('@electric-sql/pglite', notFound)
    expect(error).toBeInstanceOf(MissingPgliteError)
    expect((error as MissingPgliteError).message).toBe(
      'createPgliteDb needs the optional package @electric-sql/pglite: install it with `npm install @electric-sql/pglite@^0.4 kysely-pglite-dialect` (Kysely 0.28) or `npm install @electric-sql/pglite@^0.4` (Kysely 0.29 and later, which has its own PGliteDialect)',
    )
    expect((error as MissingPgliteError).cause).toBe(notFound)
  })

  it('passes any other failure through unchanged', () => {
    const broken = Object.assign(new Error('wasm failed'), { code: 'ERR_WASM' })
    expect(missingPglitePeer('@electric-sql/pglite', broken)).toBe(broken)
  })
})
