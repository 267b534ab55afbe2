import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { CACHE_DIR_ENV, userCacheDir, VERSION } from '@kysely-modelhub/cli'
import { describe, expect, it } from 'vitest'

const CLI = resolve(import.meta.dirname, '..')

function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  const node = ['--conditions=@kysely-modelhub/source', '--import', 'tsx', join(CLI, 'bin/kysely-modelhub.js')]
  return new Promise((done) => {
    execFile(process.execPath, [...node, ...args], { timeout: 60_000 }, (error, stdout) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout })
    })
  })
}

describe('the cli package', () => {
  const { version } = JSON.parse(readFileSync(join(CLI, 'package.json'), 'utf8')) as { version: string }

  it('prints the package version with --version', async () => {
    expect(VERSION).toBe(version)
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n` })
  })

  it('keeps the sample databases in the user cache directory, which an env var moves', () => {
    expect(userCacheDir({})).toBe(join(homedir(), '.cache', 'kysely-modelhub'))
    expect(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/kysely-modelhub')
    // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
    expect(userCacheDir({ XDG_CACHE_HOME: 'rel' })).toBe(join(homedir(), '.cache', 'kysely-modelhub'))
    expect(userCacheDir({ [CACHE_DIR_ENV]: '/tmp/mh', XDG_CACHE_HOME: '/var/cache/me' })).toBe('/tmp/mh')
  })
})
