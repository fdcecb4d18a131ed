/** The statistics and units every figure shares. */

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export interface Stats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

export const stats = (micros: readonly number[]): Stats => {
  const sorted = [...micros].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { count: sorted.length, mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

export const us = (value: number) => `${value.toFixed(1)} µs`;
export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
export const triple = (s: Stats) => `${us(s.mean)} / ${us(s.p50)} / ${us(s.p99)}`;
