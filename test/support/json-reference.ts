import { type JsonMatch, matchesJs } from '@kysely-modelhub/core'

/**
 * Plain TypeScript versions of the JSON-array operators: what every engine's SQL must return.
 * A NULL array behaves as an empty one.
 */
export const reference = {
  slice(array: unknown[] | null, start?: number, end?: number): unknown[] {
    return (array ?? []).slice(start, end)
  },
  at(array: unknown[] | null, index: number): unknown {
    return (array ?? []).at(index) ?? null
  },
  from(array: unknown[] | null, match: JsonMatch): unknown[] {
    const items = array ?? []
    const first = items.findIndex((e) => matchesJs(e, match))
    return first < 0 ? [] : items.slice(first)
  },
  until(array: unknown[] | null, match: JsonMatch): unknown[] {
    const items = array ?? []
    const first = items.findIndex((e) => matchesJs(e, match))
    return first < 0 ? [] : items.slice(0, first + 1)
  },
  filter(array: unknown[] | null, match: JsonMatch): unknown[] {
    return (array ?? []).filter((e) => matchesJs(e, match))
  },
  contains(array: unknown[] | null, match: JsonMatch): boolean {
    return (array ?? []).some((e) => matchesJs(e, match))
  },
  niceName(array: Record<string, unknown>[] | null): string | null {
    const labels = (array ?? []).map((e) => {
      const type = String(e._type ?? '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/ Context$/, '')
      return typeof e.id === 'string' ? `${type}: ${e.id}` : type
    })
    if (labels.length === 0) return null
    const last = labels.at(-1) as string
    return labels.length === 1 ? last : `${last} located at ${labels.slice(0, -1).join(' => ')}`
  },
}
