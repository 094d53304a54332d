/**
 * Maps any array-like into a new typed array with a plain loop. \`TypedArray.from(iterable, fn)\`
 * first collects the values in a JavaScript array, which fails past about 134 million elements
 * (a 1 km grid has 106 million cells per band).
 */
export function mapArray<T extends { length: number; [i: number]: number }>(
  source: ArrayLike<number>, Type: new (length: number) => T, fn: (value: number, index: number) => number): T {
  const out = new Type(source.length);
  for (let i = 0; i < source.length; i++) out[i] = fn(source[i], i);
  return out;
}
