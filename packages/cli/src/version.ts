import { createRequire } from 'node:module'

/** The CLI package's version; its package.json is one level above src/ and dist/ alike. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version
