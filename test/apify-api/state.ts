/**
 * The state behind the Apify API stand-in: users (one per API token), key-value stores, datasets and Actor runs,
 * with the platform's rules for names and keys. Pure data and rules, no HTTP: see index.ts for the API on top.
 */
import { randomBytes } from 'node:crypto';

/** The platform's record-key rule (the SDK's `KEY_VALUE_STORE_KEY_REGEX` in @apify/consts says the same). */
export const RECORD_KEY_PATTERN = /^[a-zA-Z0-9!\-_.'()]{1,256}$/;
/** Storage names are DNS-safe: letters, digits and hyphens, no hyphen at either end, at most 63 characters. */
export const STORAGE_NAME_PATTERN = /^(?=.{1,63}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** The largest page of keys the platform answers. */
export const MAX_KEYS_PER_PAGE = 1000;

/** An API error: the HTTP status and the body's `error.type`, as the platform answers them. */
export class ApifyApiError extends Error {
    constructor(
        readonly status: number,
        readonly type: string,
        message: string,
    ) {
        super(message);
    }
}

export interface ApifyUser {
    id: string;
    username: string;
    token: string;
}

export interface StoredRecord {
    value: Buffer;
    contentType: string;
}

interface StorageCommon {
    id: string;
    name: string | null;
    userId: string;
    createdAt: number;
    modifiedAt: number;
    accessedAt: number;
    /** The run that created it as its default storage. */
    actRunId: string | null;
}

export interface KeyValueStoreState extends StorageCommon {
    records: Map<string, StoredRecord>;
    stats: { readCount: number; writeCount: number; deleteCount: number; listCount: number };
}

export interface DatasetState extends StorageCommon {
    items: Array<Record<string, unknown>>;
    /** The item count after each push, oldest first: what a lagging `itemCount` reports. */
    countAfterPush: number[];
    stats: { readCount: number; writeCount: number };
}

/** Prices of pay-per-event events in USD. */
export type EventPrices = Record<string, number>;

export interface ChargeState {
    eventName: string;
    /** What the Actor asked to charge. */
    count: number;
    /** What the user pays: the part within the run's maximum total charge. */
    chargedCount: number;
    idempotencyKey: string | undefined;
    at: number;
}

export type RunStatus = 'READY' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMING-OUT' | 'TIMED-OUT' | 'ABORTING' | 'ABORTED';

export interface RunState {
    id: string;
    actId: string;
    userId: string;
    status: RunStatus;
    startedAt: number;
    finishedAt: number | null;
    exitCode: number | null;
    statusMessage: string | null;
    isStatusMessageTerminal: boolean | null;
    /** Every status message the run set, in order. */
    statusMessages: string[];
    defaultKeyValueStoreId: string;
    defaultDatasetId: string;
    defaultRequestQueueId: string;
    /** Pay-per-event prices; undefined for a run of a free Actor. */
    eventPrices: EventPrices | undefined;
    maxTotalChargeUsd: number | null;
    memoryMbytes: number;
    timeoutSecs: number;
    chargedEventCounts: Record<string, number>;
    charges: ChargeState[];
    idempotencyKeys: Set<string>;
    restartCount: number;
}

export interface CreateRunOptions {
    userId: string;
    /** Stored as the INPUT record of the run's default key-value store (JSON). */
    input?: unknown;
    eventPrices?: EventPrices;
    maxTotalChargeUsd?: number;
    memoryMbytes?: number;
    timeoutSecs?: number;
    actId?: string;
}

const newId = () => randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 17);

export class ApifyApiState {
    readonly users = new Map<string, ApifyUser>();
    readonly stores = new Map<string, KeyValueStoreState>();
    readonly datasets = new Map<string, DatasetState>();
    readonly runs = new Map<string, RunState>();
    /** How many pushes behind the pushes a dataset's `itemCount` is (the platform's count lags). */
    itemCountLag = 0;
    private userCounter = 0;

    constructor(readonly now: () => number = Date.now) {}

    // ---------------------------------------------------------------- users

    createUser(username?: string): ApifyUser {
        this.userCounter += 1;
        const user = { id: newId(), username: username ?? `user-${this.userCounter}`, token: `apify_api_${randomBytes(18).toString('hex')}` };
        this.users.set(user.id, user);
        return user;
    }

    userByToken(token: string | undefined): ApifyUser | undefined {
        if (!token) return undefined;
        return [...this.users.values()].find((user) => user.token === token);
    }

    // ---------------------------------------------------------------- key-value stores

    /** By ID, or `username~name`; a bare name is not an ID, as on the platform. */
    findStore(idOrName: string): KeyValueStoreState | undefined {
        return this.stores.get(idOrName) ?? this.findNamed(this.stores, idOrName);
    }

    storeOrThrow(idOrName: string): KeyValueStoreState {
        const store = this.findStore(idOrName);
        if (!store) throw new ApifyApiError(404, 'record-not-found', 'Key-value store was not found.');
        return store;
    }

    /** `POST /v2/key-value-stores?name=`: the user's store of that name, created when missing. */
    getOrCreateStore(userId: string, name: string | undefined, actRunId: string | null = null): { store: KeyValueStoreState; created: boolean } {
        if (name !== undefined) {
            checkStorageName(name, 'key-value store');
            const existing = [...this.stores.values()].find((store) => store.userId === userId && store.name === name);
            if (existing) return { store: existing, created: false };
        }
        const store: KeyValueStoreState = {
            ...this.storageCommon(userId, name, actRunId),
            records: new Map(),
            stats: { readCount: 0, writeCount: 0, deleteCount: 0, listCount: 0 },
        };
        this.stores.set(store.id, store);
        return { store, created: true };
    }

    getRecord(store: KeyValueStoreState, key: string): StoredRecord {
        checkRecordKey(key);
        store.stats.readCount += 1;
        store.accessedAt = this.now();
        const record = store.records.get(key);
        if (!record) throw new ApifyApiError(404, 'record-not-found', 'Record was not found.');
        return record;
    }

    putRecord(store: KeyValueStoreState, key: string, record: StoredRecord): void {
        checkRecordKey(key);
        store.records.set(key, record);
        store.stats.writeCount += 1;
        store.modifiedAt = store.accessedAt = this.now();
    }

    deleteRecord(store: KeyValueStoreState, key: string): void {
        checkRecordKey(key);
        store.records.delete(key);
        store.stats.deleteCount += 1;
        store.modifiedAt = store.accessedAt = this.now();
    }

    /** One page of keys in sorted order, after `exclusiveStartKey`, starting with `prefix`. */
    listKeys(store: KeyValueStoreState, options: { exclusiveStartKey?: string; prefix?: string; limit?: number }) {
        store.stats.listCount += 1;
        store.accessedAt = this.now();
        const limit = Math.min(options.limit ?? MAX_KEYS_PER_PAGE, MAX_KEYS_PER_PAGE);
        const matching = [...store.records.keys()]
            .filter(
                (key) =>
                    (options.prefix === undefined || key.startsWith(options.prefix)) &&
                    (options.exclusiveStartKey === undefined || key > options.exclusiveStartKey),
            )
            .sort(compareKeys);
        const page = matching.slice(0, limit);
        const isTruncated = matching.length > page.length;
        return {
            items: page.map((key) => ({ key, size: store.records.get(key)!.value.length })),
            count: page.length,
            limit,
            exclusiveStartKey: options.exclusiveStartKey ?? null,
            isTruncated,
            nextExclusiveStartKey: isTruncated ? (page.at(-1) ?? null) : null,
        };
    }

    // ---------------------------------------------------------------- datasets

    findDataset(idOrName: string): DatasetState | undefined {
        return this.datasets.get(idOrName) ?? this.findNamed(this.datasets, idOrName);
    }

    datasetOrThrow(idOrName: string): DatasetState {
        const dataset = this.findDataset(idOrName);
        if (!dataset) throw new ApifyApiError(404, 'record-not-found', 'Dataset was not found.');
        return dataset;
    }

    getOrCreateDataset(userId: string, name: string | undefined, actRunId: string | null = null): { dataset: DatasetState; created: boolean } {
        if (name !== undefined) {
            checkStorageName(name, 'dataset');
            const existing = [...this.datasets.values()].find((dataset) => dataset.userId === userId && dataset.name === name);
            if (existing) return { dataset: existing, created: false };
        }
        const dataset: DatasetState = {
            ...this.storageCommon(userId, name, actRunId),
            items: [],
            countAfterPush: [],
            stats: { readCount: 0, writeCount: 0 },
        };
        this.datasets.set(dataset.id, dataset);
        return { dataset, created: true };
    }

    /** Appends one item or an array of them; the whole push is refused when one item is not an object. */
    pushItems(dataset: DatasetState, body: unknown): number {
        const items = Array.isArray(body) ? body : [body];
        const bad = items.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
        if (bad >= 0) throw new ApifyApiError(400, 'invalid-input', `Dataset item at index ${bad} is not a JSON object.`);
        dataset.items.push(...(items as Array<Record<string, unknown>>));
        dataset.countAfterPush.push(dataset.items.length);
        dataset.stats.writeCount += 1;
        dataset.modifiedAt = dataset.accessedAt = this.now();
        return items.length;
    }

    /** The dataset's `itemCount` as its info reports it: {@link itemCountLag} pushes behind. */
    reportedItemCount(dataset: DatasetState): number {
        if (this.itemCountLag <= 0) return dataset.items.length;
        return dataset.countAfterPush[dataset.countAfterPush.length - 1 - this.itemCountLag] ?? 0;
    }

    // ---------------------------------------------------------------- runs

    createRun(options: CreateRunOptions): RunState {
        const id = newId();
        const { store } = this.getOrCreateStore(options.userId, undefined, id);
        const { dataset } = this.getOrCreateDataset(options.userId, undefined, id);
        if (options.input !== undefined) {
            store.records.set('INPUT', { value: Buffer.from(JSON.stringify(options.input)), contentType: 'application/json; charset=utf-8' });
        }
        const run: RunState = {
            id,
            actId: options.actId ?? 'pinterestActor1',
            userId: options.userId,
            status: 'RUNNING',
            startedAt: this.now(),
            finishedAt: null,
            exitCode: null,
            statusMessage: null,
            isStatusMessageTerminal: null,
            statusMessages: [],
            defaultKeyValueStoreId: store.id,
            defaultDatasetId: dataset.id,
            defaultRequestQueueId: newId(),
            eventPrices: options.eventPrices,
            maxTotalChargeUsd: options.maxTotalChargeUsd ?? null,
            memoryMbytes: options.memoryMbytes ?? 128,
            timeoutSecs: options.timeoutSecs ?? 3600,
            chargedEventCounts: {},
            charges: [],
            idempotencyKeys: new Set(),
            restartCount: 0,
        };
        this.runs.set(id, run);
        return run;
    }

    runOrThrow(runId: string): RunState {
        const run = this.runs.get(runId);
        if (!run) throw new ApifyApiError(404, 'record-not-found', 'Actor run was not found.');
        return run;
    }

    /** A migration or a restart after a crash: the same run, its default storages and its charges, running again. */
    restartRun(runId: string): RunState {
        const run = this.runOrThrow(runId);
        run.status = 'RUNNING';
        run.finishedAt = null;
        run.exitCode = null;
        run.restartCount += 1;
        return run;
    }

    /** The process ended: the run's final status, as the platform sets it from the exit code. */
    finishRun(runId: string, exitCode: number | null): RunState {
        const run = this.runOrThrow(runId);
        run.exitCode = exitCode;
        run.finishedAt = this.now();
        run.status = run.status === 'ABORTING' || exitCode === null ? 'ABORTED' : exitCode === 0 ? 'SUCCEEDED' : 'FAILED';
        return run;
    }

    updateRun(run: RunState, fields: { statusMessage?: unknown; isStatusMessageTerminal?: unknown }): void {
        if (fields.statusMessage !== undefined) {
            if (typeof fields.statusMessage !== 'string') throw new ApifyApiError(400, 'invalid-input', 'statusMessage must be a string.');
            run.statusMessage = fields.statusMessage;
            run.statusMessages.push(fields.statusMessage);
        }
        if (fields.isStatusMessageTerminal !== undefined) {
            if (typeof fields.isStatusMessageTerminal !== 'boolean')
                throw new ApifyApiError(400, 'invalid-input', 'isStatusMessageTerminal must be a boolean.');
            run.isStatusMessageTerminal = fields.isStatusMessageTerminal;
        }
    }

    /**
     * `POST /v2/actor-runs/{runId}/charge`. A repeated idempotency key charges nothing more. Like the platform, the
     * API accepts a charge past the user's maximum total charge but bills only what fits under it, and the run is
     * then aborted (`overCharged` says so).
     */
    charge(run: RunState, body: unknown, idempotencyKey: string | undefined): { overCharged: boolean } {
        if (!run.eventPrices) throw new ApifyApiError(400, 'cannot-charge-non-pay-per-event-actor', 'The Actor does not use pay-per-event pricing.');
        const { eventName, count } = (typeof body === 'object' && body !== null ? body : {}) as { eventName?: unknown; count?: unknown };
        if (typeof eventName !== 'string' || !eventName) throw new ApifyApiError(400, 'invalid-input', 'eventName is required.');
        if (!Number.isInteger(count) || (count as number) < 1) throw new ApifyApiError(400, 'invalid-input', 'count must be a positive integer.');
        if (eventName.startsWith('apify-'))
            throw new ApifyApiError(400, 'cannot-charge-apify-event', `Event "${eventName}" is charged by the platform.`);
        const price = run.eventPrices[eventName];
        if (price === undefined)
            throw new ApifyApiError(400, 'invalid-input', `Event "${eventName}" is not one of the Actor's pay-per-event events.`);
        if (idempotencyKey !== undefined) {
            if (run.idempotencyKeys.has(idempotencyKey)) return { overCharged: false };
            run.idempotencyKeys.add(idempotencyKey);
        }
        const requested = count as number;
        const left = (run.maxTotalChargeUsd ?? Infinity) - this.billedUsd(run);
        // Rounded first, as the SDK does, so that 2.9999999 events' worth of budget is 3.
        const affordable = price > 0 ? Math.max(0, Math.floor(Number((left / price).toFixed(4)))) : requested;
        const chargedCount = Math.min(requested, affordable);
        run.charges.push({ eventName, count: requested, chargedCount, idempotencyKey, at: this.now() });
        run.chargedEventCounts[eventName] = (run.chargedEventCounts[eventName] ?? 0) + requested;
        const overCharged = chargedCount < requested;
        if (overCharged && run.status === 'RUNNING') run.status = 'ABORTING';
        return { overCharged };
    }

    /** What the user pays for the run's events. */
    billedUsd(run: RunState): number {
        return Number(run.charges.reduce((total, charge) => total + charge.chargedCount * (run.eventPrices?.[charge.eventName] ?? 0), 0).toFixed(6));
    }

    // ---------------------------------------------------------------- helpers

    private storageCommon(userId: string, name: string | undefined, actRunId: string | null): StorageCommon {
        const at = this.now();
        return { id: newId(), name: name ?? null, userId, createdAt: at, modifiedAt: at, accessedAt: at, actRunId };
    }

    private findNamed<T extends StorageCommon>(storages: Map<string, T>, idOrName: string): T | undefined {
        const tilde = idOrName.indexOf('~');
        if (tilde < 0) return undefined;
        const username = idOrName.slice(0, tilde);
        const name = idOrName.slice(tilde + 1);
        const user = [...this.users.values()].find((candidate) => candidate.username === username);
        return [...storages.values()].find((storage) => storage.userId === user?.id && storage.name === name);
    }
}

export function checkRecordKey(key: string): void {
    if (!RECORD_KEY_PATTERN.test(key)) {
        throw new ApifyApiError(
            400,
            'invalid-record-key',
            `The record key "${key}" is invalid: it must be at most 256 characters long and contain only a-zA-Z0-9!-_.'()`,
        );
    }
}

export function checkStorageName(name: string, kind: string): void {
    if (!STORAGE_NAME_PATTERN.test(name)) {
        throw new ApifyApiError(
            400,
            'invalid-parameter',
            `The ${kind} name "${name}" is invalid: it may have at most 63 characters, only letters, digits and hyphens, and no hyphen at the start or end.`,
        );
    }
}

/** Keys sort by their characters' code points (all ASCII), as the platform lists them. */
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
