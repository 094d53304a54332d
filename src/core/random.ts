// The project's one seeded random generator: the synthetic sample, cross-validation folds and the
// random forest draw from it, so that a seed replays the same numbers everywhere.

/** A seeded pseudo-random generator (mulberry32) (same seed, same numbers).
 * @example const r = randomGenerator(1); r.next() // in [0, 1) */
export function randomGenerator(seed: number): { next(): number; normal(): number; int(min: number, max: number): number } {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
  };
}
