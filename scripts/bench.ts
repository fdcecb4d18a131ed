import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleSizes } from './bench/bundle-sizes.js';
import { clientCache } from './bench/client-cache.js';
import { coldImport } from './bench/cold-import.js';
import { firstRequest } from './bench/first-request.js';
import { buildFloor, ENVIRONMENT, placeBenchPolicy } from './bench/handlers.js';
import { metricsCost } from './bench/metrics-cost.js';
import { policyDecisions } from './bench/policy-decisions.js';
import { policyDiff } from './bench/policy-diff.js';
import { type Figure, machine, nodeBinaries, onNode, printTable } from './bench/report.js';
import { revocationCheck } from './bench/revocation-check.js';
import { warmFullStack } from './bench/warm-full-stack.js';
import { warmMocked } from './bench/warm-mocked.js';

/**
 * `npm run bench`: bundle sizes, cold import, warm per-request overhead (SDK mocked, and the full
 * SDK stack against a local HTTP stub), and policy decision time, each against its target, on
 * this machine. Each figure is a module of scripts/bench/; this runs them in order, prints one
 * table and writes bench/results.json. Exits 1 while a target is not met.
 */
const FUNCTIONS = ['credentials-api', 'credentials-task'] as const;
Object.assign(process.env, ENVIRONMENT);
// Lambda sets no NODE_EXTRA_CA_CERTS; where it is set, every Node start parses a CA bundle
// (docs/performance.md has the cost), which would inflate the bare-node baseline and flatter
// every cold ratio.
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  delete process.env.NODE_EXTRA_CA_CERTS;
  console.log('NODE_EXTRA_CA_CERTS is unset for every process timed here (Lambda sets none).');
}

placeBenchPolicy();
const floorBundle = await buildFloor();
const nodes = nodeBinaries();
console.log(
  `measured on Node ${nodes.map((node) => node.version).join(' and ')} (cold figures on each)`,
);
const coldFigures: Figure[] = [];
for (const [i, node] of nodes.entries()) {
  coldFigures.push(onNode(coldImport(FUNCTIONS, floorBundle, node.path), node, i === 0));
  coldFigures.push(onNode(await firstRequest(floorBundle, node.path), node, i === 0));
}
const figures: Figure[] = [
  bundleSizes(FUNCTIONS),
  ...coldFigures,
  await warmMocked(),
  await warmFullStack(floorBundle),
  await policyDecisions(),
  policyDiff(),
  await revocationCheck(),
  metricsCost(),
  await clientCache(),
];
const rows = figures.flatMap((figure) => figure.rows);
printTable(rows);
mkdirSync('bench', { recursive: true });
const results = Object.assign(
  { machine: machine(), measuredAt: new Date().toISOString() },
  ...figures.map((figure) => figure.results),
);
writeFileSync('bench/results.json', `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
console.log('\nwrote bench/results.json');
const unmet = rows.filter((row) => row.met === false).map((row) => row.figure.trim());
if (unmet.length > 0) console.log(`targets not met (exit 1): ${unmet.join('; ')}`);
process.exit(unmet.length > 0 ? 1 : 0);
