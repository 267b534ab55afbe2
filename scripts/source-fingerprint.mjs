// One hash of what a bundle was made from, so that `pnpm demo` can reuse it until a source changes.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The files a bundle of `sources` depends on: the sources, the package.json next to each (its
 * exports pick the files), and `extra` (the lockfile, tsconfig, the bundler itself).
 */
export function filesOfBundle(sources, extra) {
  const manifests = new Set(sources.map(nearestPackageJson).filter((path) => path !== undefined))
  return [...new Set([...sources, ...manifests, ...extra])].sort()
}

/** A hash of the files' paths and contents; undefined when one of them is gone. */
export function fingerprint(files) {
  const hash = createHash('sha256')
  for (const file of files) {
    if (!existsSync(file)) return undefined
    hash.update(`${file}\0`).update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex')
}

function nearestPackageJson(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) return manifest
  }
  return undefined
}
