/**
 * `npm run bench -- --only platform`: what runs cost where users run them. The built Actor (a copy of dist/) runs
 * on the platform's path, its input, datasets, key-value stores and charges going through the Apify API stand-in,
 * which holds every call 30 ms (BENCH_APIFY_LATENCY_MS), against the emulator with BENCH_LATENCY_MS (80) per
 * request. Each scenario reports the storage calls (by kind), every Apify API call, wall time and peak RSS.
 *
 * The scheduling queue's scenarios seed 5,000 entries in the account's queue store, written by the queue itself
 * (src/schedule/queue.ts), as a year of use leaves them. The baseline for the idle run is the same run on the first
 * layout (`q-<account>-<scheduleId>`, one record per pin, every record read on every run) by the Actor built
 * from the commit before the queue's redesign: give that build's dist/ as BENCH_QUEUE_V1_DIST, e.g.
 *
 *     mkdir /tmp/queue-v1 && git archive 78fbfb8 | tar -x -C /tmp/queue-v1
 *     ln -s "$PWD/node_modules" /tmp/queue-v1/node_modules && (cd /tmp/queue-v1 && node scripts/build.mjs)
 *     BENCH_QUEUE_V1_DIST=/tmp/queue-v1/dist npm run bench -- --only platform
 *
 * BENCH_ONLY (scenario ids, comma-separated) runs some of them. Results go to bench/results/platform-<id>.json
 * (BENCH_RESULTS_DIR elsewhere).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type ApifyUser, type CallKind, startApifyApi } from '../apify-api/index.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { DEFAULT_MEMORY_MBYTES, imageNodeArgs, newStorageDir, spawnActor } from '../e2e/harness.js';
import { STORAGE_CALLS } from '../e2e/worlds.js';
import { startEmulator } from '../emulator/index.js';
import { PinQueue, type QueueEntry } from '../../src/schedule/queue.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import { round } from './stats.js';

const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || fileURLToPath(new URL('../../bench/results/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const QUEUE_V1_DIST = process.env.BENCH_QUEUE_V1_DIST;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 80);
const APIFY_LATENCY_MS = Number(process.env.BENCH_APIFY_LATENCY_MS ?? 30);
const NODE = process.env.BENCH_NODE || process.execPath;

const QUEUE_STORE = 'pinterest-pin-queue';
const HISTORY = 5_000;
const DUE = 50;
const LISTED = 25;
const BOARDS = 300;
const DAY = 86_400_000;
/** The idle run's promise (issue 14): at most this many storage calls, whatever the queue's history. */
const IDLE_STORAGE_CALLS = 5;

interface PlatformScenario {
    id: string;
    title: string;
    /** The Actor's input; seeds the user's named stores first. */
    prepare: (user: ApifyUser) => Record<string, unknown>;
    /** Which build runs: this one, or the first queue layout's (the baseline). */
    build: 'current' | 'queue-v1';
    /** What the scenario is there to show, checked after the run: a sentence when it does not hold. */
    check?: (measured: Measured) => string | undefined;
}

interface Measured {
    exitCode: number | null;
    storageCalls: number;
    storageCallsByKind: Partial<Record<CallKind, number>>;
    apiCalls: number;
    pinterestRequests: number;
    wallMs: number;
    peakRssMiB: number;
    statusMessage: string | undefined;
    /** For runs of a few calls: each storage call, to show where they go. */
    storageCallList?: string[];
}

// ---- Pinterest: one account with 300 boards, one of them the queue's.
const emulator = await startEmulator({ latencyMs: LATENCY_MS });
const app = emulator.state.createApp({});
const accountId = emulator.state.createUser({ username: 'platformbench' }).id;
const token = emulator.state.issueTokens({ userId: accountId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
const boardId = emulator.state.createBoard(accountId, { name: 'Queued pins' }).id;
for (let board = 1; board < BOARDS; board += 1) emulator.state.createBoard(accountId, { name: `Board ${board}` });

const api = await startApifyApi({ latencyMs: APIFY_LATENCY_MS });

// ---- The queue's records, written by the queue (or, for the baseline, in the first layout).
const now = Date.now();
const queueEntry = (n: number, fields: Partial<QueueEntry>): QueueEntry => ({
    version: 1,
    scheduleId: n.toString(16).padStart(20, '0'),
    account: accountId,
    environment: 'production',
    draft: { boardId, pinTitle: `Queued ${n}`, imageUrl: `https://example.com/queued-${n}.jpg` },
    publishAt: now + DAY,
    status: 'scheduled',
    attempts: 0,
    queuedAt: now - 400 * DAY,
    queuedByRun: 'an-earlier-run',
    revision: 0,
    ...fields,
});

/** A year of published pins, one every 1.75 hours or so. */
const history = (count: number) =>
    Array.from({ length: count }, (_, index) => {
        const publishedAt = now - 365 * DAY + Math.floor((index * 365 * DAY) / count);
        return queueEntry(100_000 + index, {
            status: 'published',
            publishAt: publishedAt,
            publishedAt,
            finishedAt: publishedAt,
            pinId: String(index + 1),
        });
    });
const waiting = (count: number, firstAt: number, step: number) =>
    Array.from({ length: count }, (_, index) => queueEntry(index + 1, { publishAt: firstAt + index * step }));

async function currentLayout(entries: QueueEntry[]): Promise<Map<string, string>> {
    const records = new Map<string, string>();
    const queue = new PinQueue(memoryNamedStore(QUEUE_STORE, records), accountId, 'production', { now: () => now });
    await queue.glance(); // the layout's marker, as a first run writes it
    for (const entry of entries) await queue.put(entry);
    return records;
}

/** The first layout: `q-<hash of environment and account>-<scheduleId>`, the entry as it was then. */
function firstLayout(entries: QueueEntry[]): Map<string, string> {
    const prefix = `q-${createHash('sha256').update(`production\n${accountId}`).digest('hex').slice(0, 12)}-`;
    return new Map(
        entries.map(({ revision: _revision, finishedAt: _finishedAt, ...entry }) => [`${prefix}${entry.scheduleId}`, JSON.stringify(entry)]),
    );
}

function seedQueue(user: ApifyUser, records: Map<string, string>): void {
    const { store } = api.state.getOrCreateStore(user.id, QUEUE_STORE);
    for (const [key, value] of records)
        api.state.putRecord(store, key, { value: Buffer.from(value), contentType: 'application/json; charset=utf-8' });
}

const publishScheduled = { mode: 'publish-scheduled', accessToken: token };
const atMost = (limit: number) => (measured: Measured) =>
    measured.storageCalls > limit ? `${measured.storageCalls} storage calls, more than ${limit}` : undefined;

const idleQueue = () => [...history(HISTORY), ...waiting(3, now + DAY, DAY)];

const queueRecords = {
    idle: await currentLayout(idleQueue()),
    due: await currentLayout([...history(HISTORY), ...waiting(DUE, now - DUE * 60_000, 60_000)]),
    waiting: await currentLayout(waiting(HISTORY, now + 60 * 60_000, 60 * 60_000)),
};

const SCENARIOS: PlatformScenario[] = [
    {
        id: 'publish-scheduled-idle-5000',
        title: `publish-scheduled, nothing due, ${HISTORY.toLocaleString('en-US')} entries of history`,
        build: 'current',
        prepare: (user) => {
            seedQueue(user, queueRecords.idle);
            return publishScheduled;
        },
        check: atMost(IDLE_STORAGE_CALLS),
    },
    {
        id: 'publish-scheduled-idle-5000-first-layout',
        title: `baseline: the same on the first layout, by the build before the redesign`,
        build: 'queue-v1',
        prepare: (user) => {
            seedQueue(user, firstLayout(idleQueue()));
            return publishScheduled;
        },
    },
    {
        id: 'publish-scheduled-due-50',
        title: `publish-scheduled, ${DUE} due, beside ${HISTORY.toLocaleString('en-US')} entries of history`,
        build: 'current',
        prepare: (user) => {
            seedQueue(user, queueRecords.due);
            return publishScheduled;
        },
    },
    {
        id: 'list-scheduled-25-of-5000',
        title: `list-scheduled, the next ${LISTED} of ${HISTORY.toLocaleString('en-US')} waiting`,
        build: 'current',
        prepare: (user) => {
            seedQueue(user, queueRecords.waiting);
            return { mode: 'list-scheduled', accessToken: token, statusFilter: ['scheduled'], maxItems: LISTED };
        },
    },
    {
        id: 'list-boards-300',
        title: `list-boards, all ${BOARDS}`,
        build: 'current',
        prepare: () => ({ mode: 'list-boards', accessToken: token, maxItems: 1000 }),
    },
];

// ---- The builds, each from a copy of its dist/ (a rebuild meanwhile does not pull files from under a run).
const builds: Partial<Record<PlatformScenario['build'], string>> = { current: shipped(DIST) };
if (QUEUE_V1_DIST && existsSync(join(QUEUE_V1_DIST, 'main.js'))) builds['queue-v1'] = shipped(QUEUE_V1_DIST);

function shipped(dist: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'bench-platform-actor-'));
    cpSync(dist, join(dir, 'dist'), { recursive: true });
    return join(dir, 'dist', 'main.js');
}

async function measure(scenario: PlatformScenario, main: string): Promise<Measured> {
    const user = api.createUser();
    const input = scenario.prepare(user);
    const run = api.startRun({ user, input, eventPrices: { 'item-fetched': 0.001, 'pin-created': 0.01 } });
    const storageDir = newStorageDir();
    api.resetCalls();
    emulator.resetRequests();
    emulator.resetRateLimits();
    const spawned = await spawnActor(
        { CRAWLEE_STORAGE_DIR: storageDir, APIFY_LOCAL_STORAGE_DIR: storageDir, APIFY_LOG_LEVEL: 'INFO', ...api.runEnv(run.id) },
        { baseUrl: emulator.baseUrl, main, nodePath: NODE, nodeArgs: ['--import', REPORT_USAGE], timeoutMs: 1_800_000 },
        { record: () => undefined, items: () => [], charges: () => [] },
    );
    api.finishRun(run.id, spawned.exitCode);
    rmSync(storageDir, { recursive: true, force: true });
    const byKind = api.callCounts();
    const usage = JSON.parse(/BENCH_USAGE (.*)/.exec(spawned.log)?.[1] ?? '{}') as { maxRssKb?: number };
    if (spawned.exitCode !== 0) console.error(`${scenario.id} failed:\n${spawned.log}`);
    return {
        exitCode: spawned.exitCode,
        storageCalls: STORAGE_CALLS.reduce((sum, kind) => sum + (byKind[kind] ?? 0), 0),
        storageCallsByKind: Object.fromEntries(STORAGE_CALLS.filter((kind) => byKind[kind]).map((kind) => [kind, byKind[kind]])),
        apiCalls: api.calls.length,
        pinterestRequests: emulator.requests.length,
        wallMs: round(spawned.endedAt - spawned.startedAt),
        peakRssMiB: usage.maxRssKb ? round(usage.maxRssKb / 1024, 1) : NaN,
        statusMessage: api.state.runs.get(run.id)?.statusMessage ?? undefined,
        ...(api.calls.length <= 50 ? { storageCallList: storageCallList() } : {}),
    };
}

/** The stand-in's storage calls as `kind METHOD path`, with the run's default stores and the queue's store named. */
function storageCallList(): string[] {
    const names = new Map([...api.state.stores.values()].map((store) => [store.id, store.name ?? 'default store']));
    return api.calls
        .filter((call) => STORAGE_CALLS.includes(call.kind))
        .map((call) => `${call.kind} ${call.method} ${call.path.replace(/(?<=\/(key-value-stores|datasets)\/)[^/]+/, (id) => names.get(id) ?? id)}`);
}

mkdirSync(RESULTS_DIR, { recursive: true });
const started = Date.now();
const rows: Array<Record<string, string | number>> = [];
const broken: string[] = [];
const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
for (const scenario of only ? SCENARIOS.filter((scenario) => only.includes(scenario.id)) : SCENARIOS) {
    const main = builds[scenario.build];
    if (!main) {
        console.log(`${scenario.id}: skipped, BENCH_QUEUE_V1_DIST does not name a build of the first queue layout (see test/bench/platform.ts).`);
        continue;
    }
    const measured = await measure(scenario, main);
    writeFileSync(
        join(RESULTS_DIR, `platform-${scenario.id}.json`),
        `${JSON.stringify(
            {
                id: scenario.id,
                title: scenario.title,
                date: new Date().toISOString(),
                node: process.version,
                cpus: cpus().length,
                apifyLatencyMs: APIFY_LATENCY_MS,
                pinterestLatencyMs: LATENCY_MS,
                actorNodeArgs: imageNodeArgs(DEFAULT_MEMORY_MBYTES),
                build: scenario.build,
                ...measured,
            },
            null,
            2,
        )}\n`,
    );
    rows.push({
        scenario: scenario.title,
        'storage calls': measured.storageCalls,
        'by kind': Object.entries(measured.storageCallsByKind)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', '),
        'Apify API calls': measured.apiCalls,
        'Pinterest requests': measured.pinterestRequests,
        'wall ms': measured.wallMs,
        'peak RSS MiB': measured.peakRssMiB,
    });
    const wrong = measured.exitCode !== 0 ? `exit code ${measured.exitCode}` : scenario.check?.(measured);
    if (wrong) broken.push(`${scenario.id}: ${wrong}`);
}
await emulator.close();
await api.close();
for (const main of Object.values(builds)) rmSync(join(main, '..', '..'), { recursive: true, force: true });

console.log(
    `\nThe platform's path: the Apify API stand-in with ${APIFY_LATENCY_MS} ms per call, the emulator with ${LATENCY_MS} ms per request; ` +
        `${process.version}, ${cpus().length} CPUs; ${Math.round((Date.now() - started) / 1000)} s; results in ${RESULTS_DIR}.`,
);
console.table(rows);
if (broken.length) {
    console.error(`Wrong results:\n- ${broken.join('\n- ')}`);
    process.exitCode = 1;
}
