/**
 * `npm run bench`, group `local` (run.ts): the built Actor (a copy of dist/, what the image runs) as a real process against the emulator
 * with network latency, side by side with a plain script doing the same job the way Pinterest's quickstart
 * does (baseline.mjs), in the same run. Absolute times on a shared machine mean little; the ratios are the point.
 *
 * For every scenario (scenarios.ts): API requests, wall time from spawn to exit, time from spawn to the first
 * API request, and peak RSS, the median of N runs. The Actor runs with both kinds of local storage: `memory`
 * (CRAWLEE_PERSIST_STORAGE=false: nothing written to disk, but the dataset stays in memory) and `files`
 * (the default: one JSON file per dataset item, which costs a few ms each and exists only locally). On the
 * platform the dataset is remote: neither its time nor its memory is paid there.
 *
 * The Actor starts as the image starts it: `node` with the image's heap flags for 128 MB (harness.ts,
 * imageNodeArgs) and, on Node 22 or later, a compile cache warmed beforehand as the image build warms it.
 *
 * Environment: BENCH_LATENCY_MS (default 80), BENCH_ONLY (comma-separated scenario ids), BENCH_RUNS (overrides
 * every scenario's run count), BENCH_NODE (a node binary for the Actor and the baselines, e.g. Node 22),
 * BENCH_RESULTS_DIR (default bench/results).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { seedAnalyticsAccount, startImageServer } from '../e2e/analytics-fixture.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { DEFAULT_MEMORY_MBYTES, epochNow, imageNodeArgs, newStorageDir, runActor } from '../e2e/harness.js';
import { analyticsSettings, DEFAULT_RATE_LIMITS, startEmulator } from '../emulator/index.js';
import {
    ANALYTICS_PINS,
    BIG_BOARD_PINS,
    BOARD_COUNT,
    type BaselinePlan,
    type BenchAccount,
    type Scenario,
    SCENARIOS,
    WRITE_LIMIT_PER_SECOND,
} from './scenarios.js';
import { medianOf, round } from './stats.js';

const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || fileURLToPath(new URL('../../bench/results/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 80);
const NODE = process.env.BENCH_NODE || process.execPath;
const STORAGE_MODES = { memory: { CRAWLEE_PERSIST_STORAGE: 'false' }, files: {} } as const;
type StorageMode = keyof typeof STORAGE_MODES;

/** Targets from issue 10. */
const TARGETS = { firstRequestMs: 300, wallRatio: 1.3, peakRssMiB: 100 };

interface Measurement {
    exitCode: number | null;
    requests: number;
    /** Requests Pinterest (the emulator) refused with 429. */
    rejected: number;
    wallMs: number;
    firstRequestMs: number | null;
    /** CPU time the process used until its first request: less moved by other load on the machine than wall time. */
    firstRequestCpuMs: number | null;
    peakRssMiB: number;
}

function usageFrom(log: string, startedAt: number): Pick<Measurement, 'firstRequestMs' | 'firstRequestCpuMs' | 'peakRssMiB'> {
    const usage = JSON.parse(/BENCH_USAGE (.*)/.exec(log)?.[1] ?? '{}') as { maxRssKb?: number; firstRequestAt?: number; firstRequestCpuMs?: number };
    return {
        firstRequestMs: usage.firstRequestAt ? round(usage.firstRequestAt - startedAt) : null,
        firstRequestCpuMs: usage.firstRequestCpuMs ?? null,
        peakRssMiB: usage.maxRssKb ? round(usage.maxRssKb / 1024, 1) : NaN,
    };
}

async function runBaseline(plan: BaselinePlan): Promise<Measurement> {
    const outDir = newStorageDir();
    const startedAt = epochNow();
    const child = spawn(NODE, ['--import', REPORT_USAGE, BASELINE, JSON.stringify({ ...plan, outFile: join(outDir, 'results.json') })], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const wallMs = round(epochNow() - startedAt);
    rmSync(outDir, { recursive: true, force: true });
    if (exitCode !== 0) console.error(`Baseline ${plan.baseline} failed:\n${log}`);
    return { exitCode, requests: 0, rejected: 0, wallMs, ...usageFrom(log, startedAt) };
}

async function runOurs(input: Record<string, unknown>, storage: StorageMode): Promise<Measurement> {
    const run = await runActor({
        baseUrl: emulator.baseUrl,
        input: { accessToken: account.token, ...input },
        payPerEvent: true,
        main: shippedMain,
        nodeArgs: ['--import', REPORT_USAGE],
        nodePath: NODE,
        env: { APIFY_LOG_LEVEL: 'INFO', ...STORAGE_MODES[storage], ...(compileCache ? { NODE_COMPILE_CACHE: compileCache } : {}) },
        timeoutMs: 240_000,
    });
    rmSync(run.storageDir, { recursive: true, force: true });
    if (run.exitCode !== 0) console.error(`The Actor failed (${storage} storage):\n${run.log}`);
    return { exitCode: run.exitCode, requests: 0, rejected: 0, wallMs: round(run.endedAt - run.startedAt), ...usageFrom(run.log, run.startedAt) };
}

/** Runs one side and counts the API requests it made. */
async function measure(run: () => Promise<Measurement>): Promise<Measurement> {
    emulator.resetRequests();
    emulator.resetRateLimits();
    const result = await run();
    return { ...result, requests: emulator.requests.length, rejected: emulator.requests.filter((request) => request.status === 429).length };
}

function summarise(runs: Measurement[]) {
    const of = (pick: (run: Measurement) => number | null) => medianOf(runs, pick);
    return {
        failedRuns: runs.filter((run) => run.exitCode !== 0).length,
        requests: Math.max(...runs.map((run) => run.requests)),
        rejected: Math.max(...runs.map((run) => run.rejected)),
        wallMs: of((run) => run.wallMs),
        firstRequestMs: of((run) => run.firstRequestMs),
        firstRequestCpuMs: of((run) => run.firstRequestCpuMs),
        peakRssMiB: of((run) => run.peakRssMiB),
    };
}
type Summary = ReturnType<typeof summarise>;
const ratio = (ours: number | null, baseline: number | null) => (ours !== null && baseline ? round(ours / baseline, 2) : null);

// The Actor runs from a copy of dist/, as in the image: no node_modules to fall back on, and a rebuild of dist/
// (say, by `npm test` alongside) does not pull the files from under a run.
const shippedDir = mkdtempSync(join(tmpdir(), 'bench-actor-'));
cpSync(DIST, join(shippedDir, 'dist'), { recursive: true });
const shippedMain = join(shippedDir, 'dist', 'main.js');

// ---- The account: 300 boards, one of them with 10,000 pins; writes limited per second, so bulk creation meets the
// limit; analytics allowed 1,000 a minute, so the per-pin path takes seconds rather than Pinterest's 8 minutes.
const emulator = await startEmulator({
    latencyMs: LATENCY_MS,
    rateLimits: {
        standard: {
            ...DEFAULT_RATE_LIMITS.standard,
            org_write: [{ limit: WRITE_LIMIT_PER_SECOND, windowSec: 1 }],
            org_analytics: [{ limit: 1000, windowSec: 60 }],
        },
    },
});
const images = await startImageServer();
const app = emulator.state.createApp({});
const userId = emulator.state.createUser({ username: 'bench' }).id;
const account: BenchAccount = {
    baseUrl: emulator.baseUrl,
    token: emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken,
    bigBoardId: emulator.state.createBoard(userId, { name: 'Big board' }).id,
    analytics: {
        multiPin: seedAnalyticsAccount(emulator, images, { pins: ANALYTICS_PINS, username: 'bench_multi' }),
        perPin: seedAnalyticsAccount(emulator, images, { pins: ANALYTICS_PINS, username: 'bench_per_pin' }),
    },
};
analyticsSettings(emulator.state).multiPinDeniedTokens.add(account.analytics.perPin.token);
emulator.state.createPins(account.bigBoardId, BIG_BOARD_PINS);
for (let board = 1; board < BOARD_COUNT; board += 1) emulator.state.createBoard(userId, { name: `Board ${board}` });

const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
const scenarios: Scenario[] = only ? SCENARIOS.filter((scenario) => only.includes(scenario.id)) : SCENARIOS;
const machine = { node: (await nodeVersion()).trim(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' };
// Node 22 reuses compiled code from NODE_COMPILE_CACHE; the image warms it at build time with a run that stops at the
// input check, and so does this.
const compileCache = Number(/^v(\d+)/.exec(machine.node)?.[1]) >= 22 ? mkdtempSync(join(tmpdir(), 'bench-compile-cache-')) : undefined;
if (compileCache) {
    const warmUp = await runActor({
        baseUrl: emulator.baseUrl,
        input: {},
        main: shippedMain,
        nodePath: NODE,
        env: { NODE_COMPILE_CACHE: compileCache },
    });
    rmSync(warmUp.storageDir, { recursive: true, force: true });
}
mkdirSync(RESULTS_DIR, { recursive: true });
const benchStarted = Date.now();
const rows: Array<Record<string, string | number | null>> = [];
const missed: string[] = [];
/** Runs that failed or needed more requests than ideal: wrong, not just slow, so the benchmark exits non-zero. */
const broken: string[] = [];

for (const scenario of scenarios) {
    const runs = Number(process.env.BENCH_RUNS) || scenario.runs;
    const measured: { baseline: Measurement[] } & Record<StorageMode, Measurement[]> = { baseline: [], memory: [], files: [] };
    // Interleaved, so that a change in the machine's load hits both sides alike.
    for (let run = 0; run < runs; run += 1) {
        measured.baseline.push(await measure(() => runBaseline(scenario.baseline(account))));
        for (const storage of storagesOf(scenario)) measured[storage].push(await measure(() => runOurs(scenario.input(account), storage)));
    }
    const baseline = summarise(measured.baseline);
    const ours = Object.fromEntries(storagesOf(scenario).map((storage) => [storage, summarise(measured[storage])])) as Record<StorageMode, Summary>;
    const ratios = (summary: Summary) => ({
        wall: ratio(summary.wallMs, baseline.wallMs),
        firstRequest: ratio(summary.firstRequestMs, baseline.firstRequestMs),
        peakRss: ratio(summary.peakRssMiB, baseline.peakRssMiB),
    });
    const result = {
        id: scenario.id,
        title: scenario.title,
        date: new Date().toISOString(),
        ...machine,
        latencyMs: LATENCY_MS,
        compileCache: Boolean(compileCache),
        actorNodeArgs: imageNodeArgs(DEFAULT_MEMORY_MBYTES),
        runs,
        idealRequests: scenario.idealRequests,
        baseline,
        ours,
        ratios: Object.fromEntries(storagesOf(scenario).map((storage) => [storage, ratios(ours[storage])])) as Record<
            StorageMode,
            ReturnType<typeof ratios>
        >,
        measurements: measured,
    };
    writeFileSync(join(RESULTS_DIR, `${scenario.id}.json`), `${JSON.stringify(result, null, 2)}\n`);

    for (const storage of storagesOf(scenario)) {
        const summary = ours[storage];
        const r = result.ratios[storage];
        rows.push({
            scenario: scenario.title,
            storage,
            requests: `${summary.requests} (ideal ${scenario.idealRequests}) vs ${baseline.requests}`,
            'wall ms': `${summary.wallMs} vs ${baseline.wallMs}`,
            'wall ×': r.wall,
            '1st request ms': `${summary.firstRequestMs} vs ${baseline.firstRequestMs}`,
            '1st request ×': r.firstRequest,
            'peak RSS MiB': `${summary.peakRssMiB} vs ${baseline.peakRssMiB}`,
            'RSS ×': r.peakRss,
        });
        if (scenario.writes) {
            // Pins per second from the first request to the end, against the emulated write limit.
            const pace = (summary: Summary) =>
                summary.wallMs && summary.firstRequestMs !== null
                    ? round(scenario.writes! / ((summary.wallMs - summary.firstRequestMs) / 1000), 1)
                    : null;
            const oursPace = pace(summary);
            const row = rows.at(-1)!;
            row['pins/s (limit)'] = `${oursPace} vs ${pace(baseline)} (${WRITE_LIMIT_PER_SECOND})`;
            row['429s'] = `${summary.rejected} vs ${baseline.rejected}`;
            if (storage === 'memory')
                Object.assign(result, { pinsPerSecond: { ours: oursPace, baseline: pace(baseline), limit: WRITE_LIMIT_PER_SECOND } });
            if ((oursPace ?? 0) < 0.9 * WRITE_LIMIT_PER_SECOND)
                missed.push(`${scenario.id} (${storage} storage): ${oursPace} pins/s, under 90 % of the limit of ${WRITE_LIMIT_PER_SECOND}`);
            if (summary.rejected > 0) missed.push(`${scenario.id} (${storage} storage): ${summary.rejected} requests refused with 429`);
        }
        const where = `${scenario.id} (${storage} storage)`;
        if (summary.failedRuns > 0 || baseline.failedRuns > 0) broken.push(`${where}: ${summary.failedRuns + baseline.failedRuns} runs failed`);
        if (summary.requests > scenario.idealRequests) broken.push(`${where}: ${summary.requests} requests, ideal ${scenario.idealRequests}`);
        if ((summary.firstRequestMs ?? Infinity) > TARGETS.firstRequestMs)
            missed.push(`${where}: first request after ${summary.firstRequestMs} ms (target ${TARGETS.firstRequestMs})`);
        if (scenario.id.startsWith('list-boards-300') && (r.wall ?? Infinity) > TARGETS.wallRatio)
            missed.push(`${where}: wall ×${r.wall} (target ×${TARGETS.wallRatio})`);
        if (/^(list-boards|get-user-pins)/.test(scenario.id) && (summary.peakRssMiB ?? Infinity) >= TARGETS.peakRssMiB) {
            missed.push(`${where}: peak RSS ${summary.peakRssMiB} MiB (target < ${TARGETS.peakRssMiB})`);
        }
    }
}
await emulator.close();
await images.close();
if (compileCache) rmSync(compileCache, { recursive: true, force: true });
rmSync(shippedDir, { recursive: true, force: true });

console.log(
    `\nActor (dist/main.js) vs plain sequential script, ${LATENCY_MS} ms per request, median of N; "a vs b" is ours vs baseline, × is ours / baseline.`,
);
console.log(
    `${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})${compileCache ? ', compile cache warmed' : ''}; Actor started with ${imageNodeArgs(DEFAULT_MEMORY_MBYTES).join(' ')}; ` +
        `${Math.round((Date.now() - benchStarted) / 1000)} s; results in ${RESULTS_DIR}.`,
);
console.table(rows);
console.log(missed.length ? `Targets missed:\n- ${missed.join('\n- ')}` : 'Every target met.');
if (broken.length) {
    console.error(`Wrong results:\n- ${broken.join('\n- ')}`);
    process.exitCode = 1;
}

function storagesOf(scenario: Scenario): StorageMode[] {
    return scenario.memoryStorageOnly ? ['memory'] : (Object.keys(STORAGE_MODES) as StorageMode[]);
}

async function nodeVersion(): Promise<string> {
    const child = spawn(NODE, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    return out;
}
