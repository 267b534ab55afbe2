import { defineConfig } from 'vitest/config'

// The workspace runs from source: this export condition maps every @kysely-modelhub package to its
// src/index.ts, so tests need no build. Published packages resolve to dist/ (see scripts/pack.sh).
const SOURCE = '@kysely-modelhub/source'

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    include: ['packages/**/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests against real cloud services run only when their credentials are configured; the consumer
    // test installs the packed packages from the registry and runs as `pnpm test:consumer`.
    exclude: ['**/node_modules/**', 'test/consumer/**', ...(process.env.BIGQUERY_PROJECT ? [] : ['test/live/**'])],
    globalSetup: ['test/support/global-setup.ts'],
    // Results must not depend on the process time zone: run everything away from UTC.
    env: { TZ: 'America/New_York' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
})
