import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const changesetBin = createRequire(resolve(root, 'package.json')).resolve('@changesets/cli/bin.js')

// A changeset whose front matter a formatter rewrote (`## 'pkg': patch`) stops `changeset version`
// at release time; `changeset status` reads every one of them now.
it('every changeset in .changeset/ parses, so a release can version the packages', () => {
  const status = execFileSync(process.execPath, [changesetBin, 'status'], { cwd: root, encoding: 'utf8' })
  expect(status).toContain('@kysely-modelhub/modelhub')
})
