/**
 * The two worlds an end-to-end test can run the Actor in, behind one interface:
 * - `local`: the SDK's local storage in a storage dir, as `npm start` uses it;
 * - `platform`: as on Apify, where input, datasets, key-value stores, charges and the status message go through the
 *   Apify API, here the stand-in in test/apify-api.
 *
 * A *space* is what a user keeps between runs: their named stores (ledger, queue, credentials). Every run in a space
 * is a new run with fresh default storages, except a *restart* (a migration, or a killed run the platform starts
 * again), which keeps the run's id, default dataset and key-value store, and the charges made so far. Locally a
 * space is a folder of named stores that every run's storage dir links to; on the platform it is an Apify account
 * (an API token) on the stand-in, so overlapping runs share its stores in both worlds.
 *
 *     describe.each(WORLDS)('publishing (%s)', (worldName) => {
 *         const world = useWorld(worldName);
 *         it('…', async () => {
 *             const space = world.newSpace();
 *             const first = await space.run({ baseUrl, input });
 *             const resumed = await space.restart(first, { baseUrl, input });
 *             expect(space.namedStore('pinterest-pin-ledger')).toMatchObject({ … });
 *         });
 *     });
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll } from 'vitest';

import { type ApifyApi, type ApifyUser, type CallKind, type RunState, startApifyApi } from '../apify-api/index.js';
import {
    type ActorRun,
    type ChargeRecord,
    newStorageDir,
    type ProcessOptions,
    readKeyValueStore,
    runActor,
    type RunView,
    spawnActor,
    storageFiles,
    type WorldName,
} from './harness.js';

export type { ActorRun, ChargeRecord, RunView, WorldName } from './harness.js';

export const WORLDS: readonly WorldName[] = ['local', 'platform'];

/**
 * The platform world's prices: $1 an event, as local test mode charges, so that one maximum total charge buys the
 * same number of events in both worlds.
 */
export const PLATFORM_EVENT_PRICES = { 'item-fetched': 1, 'pin-created': 1 };

export interface WorldRunOptions extends ProcessOptions {
    input: unknown;
    /** Charge per event ($1 an event in both worlds). */
    payPerEvent?: boolean;
    maxTotalChargeUsd?: number;
}

export interface Space {
    readonly world: WorldName;
    /** A new run, with fresh default storages. */
    run(options: WorldRunOptions): Promise<ActorRun>;
    /** `run` started again (a migration, or a crash the platform restarts): its id, default storages and charges kept. */
    restart(run: ActorRun, options: WorldRunOptions): Promise<ActorRun>;
    /** The records of the space's named store `name` (JSON parsed), by key; `{}` when there is none. */
    namedStore(name: string): Record<string, unknown>;
    /** Writes JSON records into the space's named store `name` (creating it), as earlier runs would have left them. */
    seedNamedStore(name: string, records: Record<string, unknown>): void;
}

export interface World {
    readonly name: WorldName;
    newSpace(): Space;
    /** A run in a space of its own. */
    run(options: WorldRunOptions): Promise<ActorRun>;
    /** The Apify API stand-in (platform world only), for call counts and faults. */
    readonly api: ApifyApi | undefined;
}

/** The Apify API calls that are storage: what a layout of records is designed to keep few. */
export const STORAGE_CALLS: readonly CallKind[] = [
    'kv.open',
    'kv.info',
    'kv.keys',
    'kv.get',
    'kv.head',
    'kv.put',
    'kv.delete',
    'dataset.open',
    'dataset.info',
    'dataset.items',
    'dataset.push',
];

/** Storage calls on the platform world's stand-in since its last `resetCalls`. */
export function storageCalls(world: World): number {
    if (!world.api) throw new Error('Only the platform world counts Apify API calls.');
    const counts = world.api.callCounts();
    return STORAGE_CALLS.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
}

/** The world `name` for the tests of the enclosing `describe`; the platform world's stand-in lives as long as it. */
export function useWorld(name: WorldName): World {
    if (name === 'local') return localWorld();
    let api: ApifyApi | undefined;
    beforeAll(async () => {
        api = await startApifyApi(PLATFORM_API_OPTIONS);
    });
    afterAll(async () => api?.close());
    return platformWorld(() => api);
}

/** The platform's item count lags behind pushes: nothing may depend on it. */
export const PLATFORM_API_OPTIONS = { itemCountLag: 2 } as const;

/**
 * A world outside a test file (the benchmark's kill soak): locally as `useWorld` makes it, on the platform over a
 * stand-in that the caller starts (with {@link PLATFORM_API_OPTIONS}) and closes.
 */
export function standaloneWorld(name: WorldName, api?: ApifyApi): World {
    if (name === 'local') return localWorld();
    if (!api) throw new Error('The platform world needs a running Apify API stand-in.');
    return platformWorld(() => api);
}

function platformWorld(running: () => ApifyApi | undefined): World {
    const standIn = () => {
        const api = running();
        if (!api) throw new Error('The Apify API stand-in is not running: use the world inside the describe that called useWorld.');
        return api;
    };
    const world: World = {
        name: 'platform',
        get api() {
            return running();
        },
        newSpace: () => platformSpace(standIn(), standIn().createUser()),
        run: async (options) => world.newSpace().run(options),
    };
    return world;
}

// ---------------------------------------------------------------- local

function localWorld(): World {
    const world: World = { name: 'local', api: undefined, newSpace: localSpace, run: async (options) => localSpace().run(options) };
    return world;
}

/**
 * A folder of named stores. Every run gets a storage dir of its own (the SDK keeps default storages per dir, the
 * platform per run) whose named stores are links to the space's: those that exist, and every store the Actor can
 * open (the input schema's `…StoreName` fields, with their defaults and the values the input gives).
 */
function localSpace(): Space {
    const spaceDir = newStorageDir();
    const runDirs = new WeakMap<ActorRun, string>();

    const runDir = (input: unknown) => {
        const dir = newStorageDir();
        const stores = join(spaceDir, 'key_value_stores');
        for (const name of storeNamesOf(input)) mkdirSync(join(stores, name), { recursive: true });
        mkdirSync(join(dir, 'key_value_stores'), { recursive: true });
        for (const name of readdirSync(stores)) symlinkSync(join(stores, name), join(dir, 'key_value_stores', name));
        return dir;
    };
    const runIn = async (dir: string, options: WorldRunOptions, env: Record<string, string> = {}) => {
        const run = await runActor({ ...options, storageDir: dir, env: { ...options.env, ...env } });
        runDirs.set(run, dir);
        return run;
    };
    return {
        world: 'local',
        run: async (options) => runIn(runDir(options.input), options),
        async restart(previous, options) {
            const dir = runDirs.get(previous);
            if (!dir) throw new Error('That run did not run in this space.');
            // The SDK purges the default storages at start; a restarted run finds them as the platform keeps them.
            return runIn(dir, options, { CRAWLEE_PURGE_ON_START: 'false' });
        },
        namedStore: (name) => readKeyValueStore(spaceDir, name),
        seedNamedStore(name, records) {
            const dir = join(spaceDir, 'key_value_stores', name);
            mkdirSync(dir, { recursive: true });
            for (const [key, value] of Object.entries(records)) writeFileSync(join(dir, `${key}.json`), JSON.stringify(value));
        },
    };
}

const INPUT_SCHEMA = JSON.parse(readFileSync(fileURLToPath(new URL('../../.actor/input_schema.json', import.meta.url)), 'utf8')) as {
    properties: Record<string, { default?: unknown }>;
};

/** The input as the platform stores it for a run: the input schema's defaults for the fields it leaves out. */
function withSchemaDefaults(input: unknown): unknown {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const defaults = Object.entries(INPUT_SCHEMA.properties).filter(([, field]) => field.default !== undefined);
    return { ...Object.fromEntries(defaults.map(([name, field]) => [name, field.default])), ...input };
}

/** The named stores a run with this input may open: every `…StoreName` field's default, and the input's value. */
function storeNamesOf(input: unknown): string[] {
    const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    return Object.entries(INPUT_SCHEMA.properties)
        .filter(([field]) => field.endsWith('StoreName'))
        .flatMap(([field, { default: fallback }]) => [fallback, given[field]])
        .filter((name): name is string => typeof name === 'string' && /^[a-zA-Z0-9-]+$/.test(name.trim()))
        .map((name) => name.trim());
}

// ---------------------------------------------------------------- platform

/** An Apify account on the stand-in: its named stores are the space's; every run gets its own default storages. */
function platformSpace(api: ApifyApi, user: ApifyUser): Space {
    const runIds = new WeakMap<ActorRun, string>();
    const start = async (runId: string, options: WorldRunOptions) => {
        const run = await platformRun(api, runId, options);
        runIds.set(run, runId);
        return run;
    };
    return {
        world: 'platform',
        run: async (options) =>
            start(
                api.startRun({
                    user,
                    input: withSchemaDefaults(options.input),
                    inputSchema: INPUT_SCHEMA,
                    eventPrices: options.payPerEvent ? PLATFORM_EVENT_PRICES : undefined,
                    maxTotalChargeUsd: options.maxTotalChargeUsd,
                    memoryMbytes: options.memoryMbytes,
                }).id,
                options,
            ),
        async restart(previous, options) {
            const runId = runIds.get(previous);
            if (!runId) throw new Error('That run did not run in this space.');
            api.restartRun(runId);
            return start(runId, options);
        },
        namedStore: (name) => namedRecords(api, user, name),
        seedNamedStore(name, records) {
            const { store } = api.state.getOrCreateStore(user.id, name);
            for (const [key, value] of Object.entries(records)) {
                api.state.putRecord(store, key, { value: Buffer.from(JSON.stringify(value)), contentType: 'application/json; charset=utf-8' });
            }
        },
    };
}

function namedRecords(api: ApifyApi, user: ApifyUser, name: string): Record<string, unknown> {
    return api.records(api.namedStore(user, name));
}

/** One process of the run `runId` on the platform: its environment from the stand-in, its results read back from it. */
async function platformRun(api: ApifyApi, runId: string, options: WorldRunOptions): Promise<ActorRun> {
    const state = api.state.runOrThrow(runId);
    const store = () => api.state.stores.get(state.defaultKeyValueStoreId);
    const charges = (): ChargeRecord[] => api.charges(runId).map((charge) => ({ eventName: charge.eventName, chargedCount: charge.chargedCount }));
    const view: RunView = {
        record: (key) => api.record(store(), key),
        items: () => api.datasetItems(state.defaultDatasetId),
        charges,
    };
    // The SDK must not touch local storage on the platform: whatever it writes here is a bug, and fails the run.
    const storageDir = newStorageDir();
    let overCharged = false;
    let stopListening = () => {};
    const spawned = await spawnActor(
        { CRAWLEE_STORAGE_DIR: storageDir, APIFY_LOCAL_STORAGE_DIR: storageDir, ...api.runEnv(runId) },
        options,
        view,
        (kill) => {
            // The platform aborts a run whose charges pass the user's maximum total charge.
            stopListening = api.onOverCharge((run) => {
                if (run.id !== runId) return;
                overCharged = true;
                kill();
            });
        },
    );
    stopListening();
    api.finishRun(runId, spawned.exitCode);
    const localFiles = storageFiles(storageDir).map((file) => file.path);
    if (localFiles.length > 0) throw new Error(`The run wrote local storage on the platform: ${localFiles.join(', ')}\n${spawned.log}`);
    const user = api.state.users.get(state.userId)!;
    return {
        world: 'platform',
        exitCode: spawned.exitCode,
        log: overCharged
            ? `${spawned.log}\n[Apify API stand-in] The run charged past its maximum total charge: the platform aborted it.\n`
            : spawned.log,
        statusMessage: state.statusMessage ?? undefined,
        items: view.items(),
        charges: charges(),
        storageDir,
        startedAt: spawned.startedAt,
        endedAt: spawned.endedAt,
        record: view.record,
        setRecord: (key, value) => {
            const target = store();
            if (!target) throw new Error('The run has no default key-value store.');
            api.state.putRecord(target, key, { value: Buffer.from(JSON.stringify(value)), contentType: 'application/json; charset=utf-8' });
        },
        namedStore: (name) => namedRecords(api, user, name),
        storedTexts: () => platformTexts(api, state),
    };
}

function platformTexts(api: ApifyApi, run: RunState): Array<{ path: string; text: string }> {
    const text = (value: unknown) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value));
    const stores = [...api.state.stores.values()].filter(
        (store) => store.id === run.defaultKeyValueStoreId || (store.userId === run.userId && store.name),
    );
    return [
        ...stores.flatMap((store) =>
            Object.entries(api.records(store)).map(([key, value]) => ({
                path: `key_value_stores/${store.name ?? 'default'}/${key}`,
                text: text(value),
            })),
        ),
        ...api.datasetItems(run.defaultDatasetId).map((item, index) => ({ path: `datasets/default/${index + 1}`, text: text(item) })),
        ...run.statusMessages.map((message, index) => ({ path: `status message ${index + 1}`, text: message })),
    ];
}
