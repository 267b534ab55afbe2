import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Environment variable that moves the CLI's cache (the sample PGlite databases) elsewhere. */
export const CACHE_DIR_ENV = 'KYSELY_MODELHUB_CACHE_DIR'

/**
 * Where the CLI keeps data it can rebuild: `$KYSELY_MODELHUB_CACHE_DIR`, else the XDG cache
 * (`$XDG_CACHE_HOME/kysely-modelhub`, `~/.cache/kysely-modelhub`). Never inside the installed
 * package: node_modules may be read-only and is replaced on every install.
 */
export function userCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const own = env[CACHE_DIR_ENV]
  if (own) return resolve(own)
  const xdg = env.XDG_CACHE_HOME
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  const base = xdg?.startsWith('/') ? xdg : join(homedir(), '.cache')
  return join(base, 'kysely-modelhub')
}
