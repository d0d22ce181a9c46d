import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');

export interface ChargeRecord {
    eventName: string;
    chargedCount: number;
}

export interface ActorRun {
    exitCode: number | null;
    /** Everything the process printed, stdout and stderr interleaved as received. */
    log: string;
    /** The run's final status message (the last `[Status message]` line). */
    statusMessage: string | undefined;
    items: Array<Record<string, unknown>>;
    charges: ChargeRecord[];
    storageDir: string;
    /** Epoch milliseconds (sub-millisecond precision) just before the process was spawned and when it closed. */
    startedAt: number;
    endedAt: number;
}

export interface RunActorOptions {
    input: unknown;
    /** Pinterest API base URL, e.g. the emulator's. */
    baseUrl: string;
    /** Reuse a storage dir to keep named stores between runs, as on the platform. */
    storageDir?: string;
    /** Charge per event locally (each event costs $1 in local test mode). */
    payPerEvent?: boolean;
    maxTotalChargeUsd?: number;
    env?: Record<string, string>;
    /** Only catches a hung process: generous, so that a loaded machine never fails a test. */
    timeoutMs?: number;
    /** Polled every few milliseconds; when it returns true the process is killed (SIGKILL), like a crashed or migrated run. */
    killWhen?: () => boolean;
    /** Extra arguments for node itself, before the script (the benchmark preloads a usage reporter). */
    nodeArgs?: string[];
    /** The run's memory, as the platform gives it (ACTOR_MEMORY_MBYTES and the image's heap flags). Default 128. */
    memoryMbytes?: number;
    /** The Actor's entry file (default dist/main.js in the project), e.g. a copy of dist/ elsewhere. */
    main?: string;
    /** The node binary to run (default: the one running the tests), e.g. a Node 22 to measure the image's runtime. */
    nodePath?: string;
}

/**
 * The V8 settings the image's CMD gives node for a run with `memoryMbytes` of memory (see the Dockerfile;
 * test/unit/image.test.ts keeps the two in step): a 1 MB young generation and an old generation of half the
 * memory, so that garbage is collected long before the container's limit instead of whenever V8 likes, and
 * optimising compilation on the main thread (a background compiler thread holds several MB of its own).
 */
export function imageNodeArgs(memoryMbytes: number): string[] {
    return ['--max-semi-space-size=1', `--max-old-space-size=${Math.floor(memoryMbytes / 2)}`, '--no-concurrent-recompilation'];
}

/** The memory the Actor runs with by default on the platform (.actor/actor.json, defaultMemoryMbytes). */
export const DEFAULT_MEMORY_MBYTES = 128;

export function newStorageDir(): string {
    return mkdtempSync(join(tmpdir(), 'pinterest-actor-'));
}

/** Runs `node dist/main.js` the way the image runs it, with Apify's local storage: input in the default store, storage dir from env. */
export async function runActor(options: RunActorOptions): Promise<ActorRun> {
    const storageDir = options.storageDir ?? newStorageDir();
    const inputDir = join(storageDir, 'key_value_stores', 'default');
    mkdirSync(inputDir, { recursive: true });
    writeFileSync(join(inputDir, 'INPUT.json'), JSON.stringify(options.input));

    const memoryMbytes = options.memoryMbytes ?? DEFAULT_MEMORY_MBYTES;
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        CRAWLEE_STORAGE_DIR: storageDir,
        APIFY_LOCAL_STORAGE_DIR: storageDir,
        PINTEREST_API_BASE_URL: options.baseUrl,
        APIFY_LOG_LEVEL: 'DEBUG',
        ACTOR_MEMORY_MBYTES: String(memoryMbytes),
        ...(options.payPerEvent ? { ACTOR_TEST_PAY_PER_EVENT: 'true', ACTOR_USE_CHARGING_LOG_DATASET: 'true' } : {}),
        ...(options.maxTotalChargeUsd !== undefined ? { ACTOR_MAX_TOTAL_CHARGE_USD: String(options.maxTotalChargeUsd) } : {}),
        ...options.env,
    };

    const main = resolve(options.main ?? MAIN);
    const startedAt = epochNow();
    const args = [...imageNodeArgs(memoryMbytes), ...(options.nodeArgs ?? []), main];
    // In the image the working directory is the one holding dist/.
    const cwd = options.main ? dirname(dirname(main)) : PROJECT_ROOT;
    const child = spawn(options.nodePath ?? process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    let killed = false;
    const killer =
        options.killWhen &&
        setInterval(() => {
            if (!killed && options.killWhen?.()) killed = child.kill('SIGKILL');
        }, 5);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`Actor run timed out; log so far:\n${log}`));
        }, options.timeoutMs ?? 180_000);
        child.on('close', (code) => {
            clearTimeout(timer);
            if (killer) clearInterval(killer);
            resolve(code);
        });
    });

    const endedAt = epochNow();
    const statusLines = [...log.matchAll(/\[Status message\]: (.*)/g)];
    return {
        exitCode,
        log,
        statusMessage: statusLines.at(-1)?.[1]?.trim(),
        // A killed process may have left a file half-written: read only the complete ones.
        items: readDataset(storageDir, 'default', { completeOnly: killed }),
        charges: readDataset(storageDir, 'charging_log', { completeOnly: killed }) as unknown as ChargeRecord[],
        storageDir,
        startedAt,
        endedAt,
    };
}

/** Wall-clock time in milliseconds with the precision of the monotonic clock, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

export function readDataset(storageDir: string, name: string, { completeOnly = false } = {}): Array<Record<string, unknown>> {
    const dir = join(storageDir, 'datasets', name);
    if (!existsSync(dir)) return [];
    const items: Array<Record<string, unknown>> = [];
    for (const file of readdirSync(dir)
        .filter((entry) => /^\d+\.json$/.test(entry))
        .sort()) {
        const text = readFileSync(join(dir, file), 'utf8');
        try {
            items.push(JSON.parse(text) as Record<string, unknown>);
        } catch (error) {
            if (!completeOnly) throw error;
        }
    }
    return items;
}

/** How many items of a dataset are whole files: one being written does not parse yet (for tests that kill a run). */
export const completeItems = (storageDir: string, name = 'default') => readDataset(storageDir, name, { completeOnly: true }).length;

/** The records of a named key-value store, by key. */
export function readKeyValueStore(storageDir: string, name: string): Record<string, unknown> {
    const dir = join(storageDir, 'key_value_stores', name);
    if (!existsSync(dir)) return {};
    const records: Record<string, unknown> = {};
    for (const file of readdirSync(dir)) {
        if (file.startsWith('__') || !file.endsWith('.json')) continue;
        records[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    }
    return records;
}

/** Every file under the storage dir with its text, for scanning what a run wrote. */
export function storageFiles(storageDir: string): Array<{ path: string; text: string }> {
    const files: Array<{ path: string; text: string }> = [];
    const walk = (dir: string) => {
        for (const entry of readdirSync(dir)) {
            const path = join(dir, entry);
            if (statSync(path).isDirectory()) walk(path);
            else files.push({ path: path.slice(storageDir.length + 1), text: readFileSync(path, 'utf8') });
        }
    };
    if (existsSync(storageDir)) walk(storageDir);
    return files;
}

export const sumCharges = (charges: ChargeRecord[], eventName: string) =>
    charges.filter((charge) => charge.eventName === eventName).reduce((total, charge) => total + charge.chargedCount, 0);
