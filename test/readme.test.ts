import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const read = (file: string): string => readFileSync(resolve(root, file), 'utf8')

describe('README', () => {
  it("installs exactly the pnpm that package.json's packageManager pins", () => {
    // A newer pnpm refuses to run the pinned one ("its npm registry signature could not be verified").
    const { packageManager } = JSON.parse(read('package.json')) as { packageManager: string }
    const installs = [...read('README.md').matchAll(/npm install --global (pnpm@\S+)/g)].map((m) => m[1])
    expect(installs.length).toBeGreaterThan(0)
    expect(new Set(installs)).toEqual(new Set([packageManager]))
    expect(read('.ci/run')).toContain(`npm install --global ${packageManager}`)
  })
})
