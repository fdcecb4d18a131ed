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
  return {
    node: process.version,
    nodes: nodeBinaries().map((node) => node.version),
    platform: `${process.platform}-${process.arch}`,
    cpus,
  };
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

/** A Node binary the cold figures run on: the one running the bench, or another. */
export interface NodeBinary {
  readonly path: string;
  readonly version: string;
}

/**
 * The Nodes the cold figures run on: the one running the bench (under npm, the Node 22 that
 * `npm ci` installs, as Lambda's nodejs22.x) first, then the one that runs npm, when it differs.
 */
export function nodeBinaries(): NodeBinary[] {
  const current = { path: process.execPath, version: process.version };
  const npmNode = process.env.npm_node_execpath;
  if (npmNode === undefined) return [current];
  const version = spawnSync(npmNode, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return version === current.version || version === ''
    ? [current]
    : [current, { path: npmNode, version }];
}

/**
 * `figure` as measured on `node`: its rows say which Node, its results are filed under it, and
 * only the first Node's rows (the runtime's) are held to their targets.
 */
export function onNode(figure: Figure, node: NodeBinary, heldToTargets: boolean): Figure {
  return {
    rows: figure.rows.map(({ met, ...row }) => ({
      ...row,
      figure: `${row.figure} [Node ${node.version}]`,
      ...(heldToTargets && met !== undefined && { met }),
    })),
    results: Object.fromEntries(
      Object.entries(figure.results).map(([key, value]) => [`${key}@${node.version}`, value]),
    ),
  };
}
