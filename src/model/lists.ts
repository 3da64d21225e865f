// Small list helpers shared by the plan and the comparison.

/** The items without repeats, first occurrence first. */
export function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Names made unique among their siblings: a repeated name gets its 1-based index after `#`, or `fallback(i)`. */
export function uniqueLabels(names: readonly string[], fallback?: (index: number) => string): string[] {
  return names.map((n, i) => {
    if (names.indexOf(n) === names.lastIndexOf(n)) return n;
    return fallback ? fallback(i) : `${n}#${i + 1}`;
  });
}
