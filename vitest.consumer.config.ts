import { defineConfig } from 'vitest/config'

// `pnpm test:consumer`: the packed packages in a fresh app (test/consumer), with the throwaway Postgres.
const SOURCE = '@kysely-modelhub/source'

export default defineConfig({
  // The reference values come from source, as in vitest.config.ts; the app gets the packed packages.
  resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/consumer/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { TZ: 'America/New_York' },
    testTimeout: 600_000,
    hookTimeout: 1_200_000,
    fileParallelism: false,
  },
})
