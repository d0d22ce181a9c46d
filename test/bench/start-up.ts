/**
 * `npm run bench:start-up`: how fast the built Actor starts and how much memory a small run takes, on both paths a
 * run can take: locally (local file storage, what `npm run bench` measures too) and on the platform (the Apify API
 * for input, storage and charging, here the stand-in of test/e2e/apify-api-stand-in.ts, which answers at once:
 * the platform's own latency comes on top). One list-boards run of 25 boards each time, started as the image
 * starts it (harness.ts), with a compile cache warmed beforehand on Node 22 or later as the image build warms it.
 *
 * For each bundle and path: time from spawn to the first Pinterest request (the emulator's), the CPU time until
 * then, peak RSS and wall time, the median of N runs. Several bundles can be compared (say, one built from an
 * older commit): the runs are interleaved, so that a change in the machine's load hits each alike.
 *
 * Environment: BENCH_RUNS (default 9), BENCH_NODE (a node binary, e.g. Node 22), BENCH_LATENCY_MS (default 80),
 * START_UP_BUNDLES (comma-separated `label=path/to/dist`; default `current=` the project's dist/),
 * BENCH_RESULTS_DIR (default bench/results; the results go to start-up.json there).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { platformEnv, startApifyApiStandIn } from '../e2e/apify-api-stand-in.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { DEFAULT_MEMORY_MBYTES, imageNodeArgs, runActor } from '../e2e/harness.js';
import { startEmulator } from '../emulator/index.js';
import { medianOf, round } from './stats.js';

const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || fileURLToPath(new URL('../../bench/results/', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS) || 9;
const NODE = process.env.BENCH_NODE || process.execPath;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 80);
const BOARDS = 25;
const PATHS = ['local', 'platform'] as const;
type RunPath = (typeof PATHS)[number];

interface Bundle {
    label: string;
    main: string;
    /** Node 22's compile cache for this bundle, warmed before the runs. */
    compileCache?: string;
}

interface Measurement {
    exitCode: number | null;
    firstRequestMs: number | null;
    firstRequestCpuMs: number | null;
    peakRssMiB: number;
    wallMs: number;
}

const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
const withCompileCache = Number(/^v(\d+)/.exec(nodeVersion)?.[1]) >= 22;
const scratch = mkdtempSync(join(tmpdir(), 'bench-start-up-'));

// Each bundle runs from a copy, as in the image: no node_modules to fall back on, and a rebuild does not pull the
// files from under a run.
const bundles: Bundle[] = (process.env.START_UP_BUNDLES || `current=${fileURLToPath(new URL('../../dist', import.meta.url))}`)
    .split(',')
    .map((entry, index) => {
        const [label = '', dist = ''] = entry.split('=');
        const dir = join(scratch, `bundle-${index}`);
        cpSync(resolve(dist), join(dir, 'dist'), { recursive: true });
        return { label, main: join(dir, 'dist', 'main.js'), ...(withCompileCache ? { compileCache: join(scratch, `compile-cache-${index}`) } : {}) };
    });

const emulator = await startEmulator({ latencyMs: LATENCY_MS });
const app = emulator.state.createApp({});
const userId = emulator.state.createUser({ username: 'start_up' }).id;
const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
for (let board = 0; board < BOARDS; board += 1) emulator.state.createBoard(userId, { name: `Board ${board + 1}` });
const pinterestHost = new URL(emulator.baseUrl).host;
const input = { mode: 'list-boards', maxItems: BOARDS, accessToken: token };

async function measure(bundle: Bundle, path: RunPath): Promise<Measurement> {
    const api = path === 'platform' ? await startApifyApiStandIn(input) : undefined;
    try {
        const run = await runActor({
            main: bundle.main,
            baseUrl: emulator.baseUrl,
            input: api ? {} : input,
            payPerEvent: !api,
            nodeArgs: ['--import', REPORT_USAGE],
            nodePath: NODE,
            env: {
                APIFY_LOG_LEVEL: 'INFO',
                ...(bundle.compileCache ? { NODE_COMPILE_CACHE: bundle.compileCache } : {}),
                ...(api ? platformEnv(api) : {}),
            },
        });
        rmSync(run.storageDir, { recursive: true, force: true });
        const delivered = api ? api.pushedItems.length : run.items.length;
        if (run.exitCode !== 0 || delivered !== BOARDS) console.error(`${bundle.label}, ${path}: ${delivered} of ${BOARDS} boards\n${run.log}`);
        const usage = JSON.parse(/BENCH_USAGE (.*)/.exec(run.log)?.[1] ?? '{}') as {
            maxRssKb?: number;
            firstRequestByHost?: Record<string, { at: number; cpuMs: number }>;
        };
        const first = usage.firstRequestByHost?.[pinterestHost];
        return {
            exitCode: delivered === BOARDS ? run.exitCode : null,
            firstRequestMs: first ? round(first.at - run.startedAt, 1) : null,
            firstRequestCpuMs: first?.cpuMs ?? null,
            peakRssMiB: usage.maxRssKb ? round(usage.maxRssKb / 1024, 1) : NaN,
            wallMs: round(run.endedAt - run.startedAt),
        };
    } finally {
        await api?.close();
    }
}

// As the image build does: a run without input stops at the input check after loading the whole start-up path.
for (const bundle of bundles.filter((each) => each.compileCache)) {
    const warmUp = await runActor({
        main: bundle.main,
        baseUrl: emulator.baseUrl,
        input: {},
        nodePath: NODE,
        env: { NODE_COMPILE_CACHE: bundle.compileCache! },
    });
    rmSync(warmUp.storageDir, { recursive: true, force: true });
}

const measured = new Map(bundles.flatMap((bundle) => PATHS.map((path) => [`${bundle.label}|${path}`, [] as Measurement[]])));
const started = Date.now();
for (let run = 0; run < RUNS; run += 1) {
    // The order turns with every round, so that no bundle always runs right after another's.
    const order = bundles.map((_, index) => bundles[(index + run) % bundles.length]!);
    for (const bundle of order) for (const path of PATHS) measured.get(`${bundle.label}|${path}`)!.push(await measure(bundle, path));
}
await emulator.close();
rmSync(scratch, { recursive: true, force: true });

const summaries = [...measured].map(([key, runs]) => {
    const [bundle, path] = key.split('|');
    const of = (pick: (run: Measurement) => number | null) => medianOf(runs, pick);
    return {
        bundle,
        path,
        failedRuns: runs.filter((run) => run.exitCode !== 0).length,
        firstRequestMs: of((run) => run.firstRequestMs),
        firstRequestCpuMs: of((run) => run.firstRequestCpuMs),
        peakRssMiB: of((run) => run.peakRssMiB),
        wallMs: of((run) => run.wallMs),
    };
});
const machine = { node: nodeVersion, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
mkdirSync(RESULTS_DIR, { recursive: true });
const results = {
    date: new Date().toISOString(),
    ...machine,
    latencyMs: LATENCY_MS,
    compileCache: withCompileCache,
    actorNodeArgs: imageNodeArgs(DEFAULT_MEMORY_MBYTES),
    runs: RUNS,
    scenario: `list-boards, ${BOARDS}`,
    summaries,
    measurements: Object.fromEntries(measured),
};
writeFileSync(join(RESULTS_DIR, 'start-up.json'), `${JSON.stringify(results, null, 2)}\n`);

console.log(
    `\nStart-up of list-boards (${BOARDS}), median of ${RUNS}: ${nodeVersion}${withCompileCache ? ' with a warmed compile cache' : ''}, ` +
        `${machine.cpus} CPUs; ${Math.round((Date.now() - started) / 1000)} s; results in ${join(RESULTS_DIR, 'start-up.json')}.`,
);
console.table(
    summaries.map((summary) => ({
        bundle: summary.bundle,
        path: summary.path,
        '1st Pinterest request ms': summary.firstRequestMs,
        'CPU ms until then': summary.firstRequestCpuMs,
        'peak RSS MiB': summary.peakRssMiB,
        'wall ms': summary.wallMs,
    })),
);
if (summaries.some((summary) => summary.failedRuns > 0)) {
    console.error('Some runs failed: see above.');
    process.exitCode = 1;
}
