import type { BenchModel } from '../models.ts'

/** The funnel models other than navigationPaths (in models.ts, with the features it shares references with). */
export const FUNNEL_MODELS: readonly BenchModel[] = [
  {
    name: 'ordered-steps',
    description: 'funnel.orderedSteps: home → Quickstart Guide link → quickstart guide page',
    build: (hub) =>
      hub.funnel.orderedSteps(hub.events(), {
        steps: [
          { _type: 'RootLocationContext', id: 'home' },
          { _type: 'LinkContext', id: 'Quickstart Guide' },
          { _type: 'RootLocationContext', id: 'quickstart-guide' },
        ],
      }),
    usesSessions: false,
  },
]
