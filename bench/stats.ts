/**
 * Small statistics for benchmark samples: percentiles of latencies, medians of repeated rounds,
 * and the number formats the report uses.
 */

/** The value at quantile q (0..1) of already sorted samples, nearest-rank; NaN when empty. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of a list of numbers (the middle of the sorted values); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A number with thousands separators and at most `digits` decimals: 12,345.6. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  });
}

/** Milliseconds for people: 0.42 ms, 12.3 ms, 4.56 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 1000) return `${formatNumber(ms / 1000, 2)} s`;
  return `${formatNumber(ms, ms < 10 ? 2 : 1)} ms`;
}

/** Bytes as MiB with one decimal. */
export function formatMiB(bytes: number): string {
  return `${formatNumber(bytes / 1024 / 1024, 1)} MiB`;
}

/** A ratio as a percentage with no decimals: 0.8734 -> "87%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${formatNumber(ratio * 100, 0)}%`;
}
