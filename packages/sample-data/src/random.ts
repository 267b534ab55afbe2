/**
 * A small seeded random source for the sample data: the same seed gives the same events on every
 * machine and Node version, which `Math.random` cannot promise.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One element, each equally likely. */
  pick<T>(items: readonly T[]): T
  /** One element, chosen with the given relative weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T
  /** A draw of the exponential distribution with this mean. */
  exponential(mean: number): number
  /** A uuid v4 whose first 8 hex digits are a bijection of `counter`, so ids never repeat in a run. */
  uuid(counter: number, key: number): string
}

/** Murmur3's finalizer: a bijection on 32-bit integers that mixes every bit into every other. */
function fmix32(value: number): number {
  let h = value >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0')

/** sfc32 (128-bit state, so its period is far beyond the draws of 10M events), seeded by mixing the seed. */
export function createRandom(seed: number): Random {
  let a = fmix32(seed ^ 0x9e3779b9)
  let b = fmix32(a ^ 0x243f6a88)
  let c = fmix32(b ^ 0xb7e15162)
  let d = 1
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) uint32() // the first outputs still show the seed
  // Adding a constant is a bijection too, so `counter` → id stays one-to-one for each key.
  const salt = (key: number): number => fmix32(Math.imul(key, 0x9e3779b9) ^ fmix32(seed))
  const next = (): number => uint32() / 4294967296
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    weighted: (items) => {
      let total = 0
      for (const [, w] of items) total += w
      let r = next() * total
      for (const [item, w] of items) {
        r -= w
        if (r < 0) return item
      }
      return (items[items.length - 1] as (typeof items)[number])[0]
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    uuid: (counter, key) => {
      const first = hex8(fmix32((counter + salt(key)) >>> 0))
      const [w1, w2, w3] = [uint32(), uint32(), uint32()]
      const second = hex8(((w1 & 0xffff0fff) | 0x4000) >>> 0) // version 4
      const third = hex8(((w2 & 0x3fffffff) | 0x80000000) >>> 0) // RFC 4122 variant
      const tail = hex8(w3)
      return `${first}-${second.slice(0, 4)}-${second.slice(4)}-${third.slice(0, 4)}-${third.slice(4)}${tail}`
    },
  }
  return random
}
