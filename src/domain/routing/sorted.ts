// Binary search over sorted bounds, shared by the registration and constituency tables. Bounds are
// fixed-width text (ip-range.ts hex) or numbers, both of which order correctly with < and <=.

/** Index of the last bound at or before `value`; -1 when every bound is after it. */
export function lastAtOrBefore<Bound extends string | number>(sorted: readonly Bound[], value: Bound): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle - 1;
  }
  return high;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
