import { spawnSync } from 'node:child_process';

/** One line of the bench table; `met` only for a figure with a target. */
export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly met?: boolean;
}

/** What one figure module measured: its table rows and its raw results for bench/results.json. */
export interface Figure {
  readonly rows: Row[];
  readonly results: Record<string, unknown>;
}

export function machine() {
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus };
}

/** The table, columns padded, with `yes`/`NO` for the rows that have a target. */
export function printTable(rows: readonly Row[]): void {
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => [row.figure, row.value, row.target][column]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(['figure', 'value', 'target']), ' met');
  for (const row of rows) {
    const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO';
    console.log(line([row.figure, row.value, row.target]), ` ${met}`);
  }
}
