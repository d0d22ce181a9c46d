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

/** Where a run ran: with the SDK's local storage, or on the Apify platform (the API stand-in in test/apify-api). */
export type WorldName = 'local' | 'platform';

/** What a run has stored so far, read while it runs (for `killWhen`) or after it. */
export interface RunView {
    /**
     * A record of the run's default key-value store: JSON parsed, text as a string, anything else as a Buffer;
     * undefined while missing (or, locally, half-written).
     */
    record(key: string): unknown;
    /** The items of the run's default dataset that are completely stored. */
    items(): Array<Record<string, unknown>>;
    /** The charges made in this run so far (with a restart, in both processes). */
    charges(): ChargeRecord[];
}

export interface ActorRun {
    world: WorldName;
    exitCode: number | null;
    /** Everything the process printed, stdout and stderr interleaved as received. */
    log: string;
    /** The run's final status message (locally the last `[Status message]` line; on the platform, the run's). */
    statusMessage: string | undefined;
    items: Array<Record<string, unknown>>;
    charges: ChargeRecord[];
    /** Locally the storage dir; on the platform a local storage dir the SDK must leave empty. */
    storageDir: string;
    /** Epoch milliseconds (sub-millisecond precision) just before the process was spawned and when it closed. */
    startedAt: number;
    endedAt: number;
    /** A record of the run's default key-value store, as {@link RunView.record} reads it. */
    record(key: string): unknown;
    /** Replaces a record of the run's default store (JSON), e.g. to stage what a kill at another moment leaves. */
    setRecord(key: string, value: unknown): void;
    /** The records of a named key-value store the run could open (JSON parsed), by key; `{}` when there is none. */
    namedStore(name: string): Record<string, unknown>;
    /**
     * Everything the run's storage holds, as text, named like the local layout (`key_value_stores/<store>/<file>`,
     * `datasets/<dataset>/<file>`): locally every file, on the platform every record and item of the run and of
     * the account's named stores, and the run's status messages.
     */
    storedTexts(): Array<{ path: string; text: string }>;
}

/** How the process is started and stopped, in either world. */
export interface ProcessOptions {
    /** Pinterest API base URL, e.g. the emulator's. */
    baseUrl: string;
    env?: Record<string, string>;
    /** Only catches a hung process: generous, so that a loaded machine never fails a test. */
    timeoutMs?: number;
    /**
     * Polled every few milliseconds with what the run has stored so far; when it returns true the process is killed
     * (SIGKILL), like a crashed or migrated run.
     */
    killWhen?: (view: RunView) => boolean;
    /** Extra arguments for node itself, before the script (the benchmark preloads a usage reporter). */
    nodeArgs?: string[];
    /** The run's memory, as the platform gives it (ACTOR_MEMORY_MBYTES and the image's heap flags). Default 128. */
    memoryMbytes?: number;
    /** The Actor's entry file (default dist/main.js in the project), e.g. a copy of dist/ elsewhere. */
    main?: string;
    /** The node binary to run (default: the one running the tests), e.g. a Node 22 to measure the image's runtime. */
    nodePath?: string;
}

export interface RunActorOptions extends ProcessOptions {
    input: unknown;
    /** Reuse a storage dir to keep named stores between runs, as on the platform. */
    storageDir?: string;
    /** Charge per event (each event costs $1, in local test mode and in the platform world's pricing). */
    payPerEvent?: boolean;
    maxTotalChargeUsd?: number;
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

    const view = localView(storageDir);
    const { exitCode, log, killed, startedAt, endedAt } = await spawnActor(
        {
            CRAWLEE_STORAGE_DIR: storageDir,
            APIFY_LOCAL_STORAGE_DIR: storageDir,
            ...(options.payPerEvent ? { ACTOR_TEST_PAY_PER_EVENT: 'true', ACTOR_USE_CHARGING_LOG_DATASET: 'true' } : {}),
            ...(options.maxTotalChargeUsd !== undefined ? { ACTOR_MAX_TOTAL_CHARGE_USD: String(options.maxTotalChargeUsd) } : {}),
        },
        options,
        view,
    );
    const statusLines = [...log.matchAll(/\[Status message\]: (.*)/g)];
    // A killed process may have left a file half-written, this one or an earlier process of a restarted run.
    const completeOnly = killed || options.env?.CRAWLEE_PURGE_ON_START === 'false';
    return {
        world: 'local',
        exitCode,
        log,
        statusMessage: statusLines.at(-1)?.[1]?.trim(),
        items: readDataset(storageDir, 'default', { completeOnly }),
        charges: readDataset(storageDir, 'charging_log', { completeOnly }) as unknown as ChargeRecord[],
        storageDir,
        startedAt,
        endedAt,
        record: view.record,
        setRecord: (key, value) => writeFileSync(join(storageDir, 'key_value_stores', 'default', `${key}.json`), JSON.stringify(value)),
        namedStore: (name) => readKeyValueStore(storageDir, name),
        storedTexts: () => storageFiles(storageDir),
    };
}

export interface SpawnedActor {
    exitCode: number | null;
    log: string;
    /** Killed by `killWhen` (or by the world, as the platform aborts a run). */
    killed: boolean;
    startedAt: number;
    endedAt: number;
}

/**
 * Starts the Actor as the image starts it, with `storageEnv` (where its storage is) on top of what every run
 * gets, and waits for it to end. `view` is what `killWhen` is asked about; `kill` lets the caller end it early.
 */
export async function spawnActor(
    storageEnv: Record<string, string>,
    options: ProcessOptions,
    view: RunView,
    onSpawn?: (kill: () => void) => void,
): Promise<SpawnedActor> {
    const memoryMbytes = options.memoryMbytes ?? DEFAULT_MEMORY_MBYTES;
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        PINTEREST_API_BASE_URL: options.baseUrl,
        APIFY_LOG_LEVEL: 'DEBUG',
        ACTOR_MEMORY_MBYTES: String(memoryMbytes),
        ...storageEnv,
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
    const kill = () => {
        if (!killed) killed = child.kill('SIGKILL');
    };
    onSpawn?.(kill);
    const killer =
        options.killWhen &&
        setInterval(() => {
            if (!killed && options.killWhen?.(view)) kill();
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
    return { exitCode, log, killed, startedAt, endedAt: epochNow() };
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

/** A local run's storage as its files say, read without racing the run: a file being written does not parse yet. */
export function localView(storageDir: string): RunView {
    return {
        record: (key) => readLocalRecord(join(storageDir, 'key_value_stores', 'default'), key),
        items: () => readDataset(storageDir, 'default', { completeOnly: true }),
        charges: () => readDataset(storageDir, 'charging_log', { completeOnly: true }) as unknown as ChargeRecord[],
    };
}

const TEXT_EXTENSIONS = new Set(['html', 'txt', 'csv', 'xml', 'svg']);

/**
 * A record of a local store: `<key>.json` parsed, or the file the SDK named after the key and its content type
 * (`report.html`), as text or bytes. Undefined while missing or half-written.
 */
function readLocalRecord(dir: string, key: string): unknown {
    if (!existsSync(dir)) return undefined;
    const file =
        [`${key}.json`, key].find((name) => existsSync(join(dir, name))) ??
        readdirSync(dir).find((name) => name.startsWith(`${key}.`) && !name.includes('__metadata__'));
    if (!file) return undefined;
    const path = join(dir, file);
    const extension = file.slice(file.lastIndexOf('.') + 1);
    try {
        if (extension === 'json') return JSON.parse(readFileSync(path, 'utf8'));
        return TEXT_EXTENSIONS.has(extension) ? readFileSync(path, 'utf8') : readFileSync(path);
    } catch {
        return undefined;
    }
}

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
