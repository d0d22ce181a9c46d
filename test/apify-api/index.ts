/**
 * A stateful stand-in for the parts of the Apify API (v2) the Actor's SDK uses on the platform: the run (pricing,
 * charges, status message), default and named key-value stores, and datasets. It answers as the API reference
 * describes (shapes, status codes, `error.type`s, key and name rules, pagination), decodes the compressed bodies
 * the SDK sends, and can add latency, inject 5xx faults and let a dataset's `itemCount` lag behind its pushes.
 * It counts calls by kind, so a test can say how many API calls a run costs. See README.md in this folder.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

import { encryptInputSecrets } from '@apify/input_secrets';

import { ApifyApiError, ApifyApiState, checkRecordKey } from './state.js';
import type { ApifyUser, ChargeState, CreateRunOptions, DatasetState, KeyValueStoreState, RunState, StoredRecord } from './state.js';

export { ApifyApiError, ApifyApiState, MAX_KEYS_PER_PAGE, RECORD_KEY_PATTERN, STORAGE_NAME_PATTERN } from './state.js';
export type { ApifyUser, ChargeState, CreateRunOptions, DatasetState, EventPrices, KeyValueStoreState, RunState, StoredRecord } from './state.js';

/** What a call did, for counting. */
export type CallKind =
    | 'run.get'
    | 'run.update'
    | 'run.charge'
    | 'kv.open'
    | 'kv.info'
    | 'kv.keys'
    | 'kv.get'
    | 'kv.head'
    | 'kv.put'
    | 'kv.delete'
    | 'dataset.open'
    | 'dataset.info'
    | 'dataset.items'
    | 'dataset.push'
    | 'unknown';

export interface RecordedCall {
    kind: CallKind;
    method: string;
    /** Path without the query string, e.g. `/v2/key-value-stores/abc/records/INPUT`. */
    path: string;
    status: number;
    /** Set when an injected fault answered the call. */
    fault?: boolean;
    /** The request body's `Content-Encoding`, when it had one. */
    contentEncoding?: string;
}

export interface ApiFault {
    /** Which calls get the fault: any of these that is given must match. */
    match?: { kind?: CallKind; method?: string; path?: string | RegExp };
    /** Let the first N matching calls through. */
    skip?: number;
    /** How many matching calls get the fault (default 1). */
    times?: number;
    /** 500 (default), 502, 503 or 504. */
    status?: number;
    /**
     * Carry the call out, then answer the 5xx anyway (a lost answer): a retry comes to a state that already has it.
     * Default false: the fault answers first, and nothing changes.
     */
    afterCommit?: boolean;
}

export interface StartApifyApiOptions {
    /** Clock for timestamps (default `Date.now`). */
    now?: () => number;
    /** Every call is held this long before it is answered (default 0). */
    latencyMs?: number;
    /** How latency is waited for; the benchmark may pass a virtual clock. Default: a real timer. */
    sleep?: (ms: number) => Promise<void>;
    /** A dataset's `itemCount` reports the count as of this many pushes ago (default 0: up to date). */
    itemCountLag?: number;
}

export interface StartRunOptions extends Omit<CreateRunOptions, 'userId'> {
    /** The user (API token) the run belongs to; its named stores are that user's. */
    user: ApifyUser;
    /**
     * The Actor's input schema: its `isSecret` fields are stored encrypted in INPUT, as the platform stores them,
     * and the run's environment gets the key the SDK decrypts them with.
     */
    inputSchema?: object;
}

export interface ApifyApi {
    /** e.g. `http://127.0.0.1:41234` (APIFY_API_BASE_URL; the client adds `/v2`). */
    readonly url: string;
    readonly state: ApifyApiState;
    readonly calls: RecordedCall[];
    createUser(username?: string): ApifyUser;
    startRun(options: StartRunOptions): RunState;
    /** The same run started again (a migration, or a restart after a crash), keeping its storages and charges. */
    restartRun(runId: string): RunState;
    finishRun(runId: string, exitCode: number | null): RunState;
    /** Called when a charge went past the run's maximum total charge (the platform aborts such a run). */
    onOverCharge(listener: (run: RunState) => void): () => void;
    /** The environment a process needs to be this run on the platform. */
    runEnv(runId: string): Record<string, string>;

    /** Calls by kind since the last {@link resetCalls}. */
    callCounts(): Partial<Record<CallKind, number>>;
    resetCalls(): void;
    injectFault(fault: ApiFault): void;
    clearFaults(): void;
    setLatency(ms: number): void;
    setItemCountLag(pushes: number): void;

    /** A user's named store, or undefined. */
    namedStore(user: ApifyUser, name: string): KeyValueStoreState | undefined;
    /** A store's records by key: JSON parsed, text as strings, anything else as Buffers. */
    records(store: KeyValueStoreState | undefined): Record<string, unknown>;
    /** One record, decoded as {@link records} does; undefined when missing. */
    record(store: KeyValueStoreState | undefined, key: string): unknown;
    datasetItems(datasetId: string): Array<Record<string, unknown>>;
    /** The run's charges as billed (only what fitted under the maximum total charge). */
    charges(runId: string): ChargeState[];
    statusMessages(runId: string): string[];
    close(): Promise<void>;
}

/** The dataset push limit the API names in its 413 answer. */
const MAX_PAYLOAD_BYTES = 9_437_184;
const CHARGE_IDEMPOTENCY_HEADER = 'idempotency-key';

interface PendingFault {
    fault: ApiFault;
    skip: number;
    times: number;
}

interface Reply {
    status: number;
    /** JSON body; or `raw` with `contentType`. */
    body?: unknown;
    raw?: Buffer;
    contentType?: string;
    headers?: Record<string, string>;
}

interface Route {
    kind: CallKind;
    handle: (call: Call) => Promise<Reply> | Reply;
}

interface Call {
    user: ApifyUser;
    params: string[];
    query: URLSearchParams;
    req: IncomingMessage;
    body: () => Promise<Buffer>;
    json: () => Promise<unknown>;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });
const data = (status: number, value: unknown, headers?: Record<string, string>): Reply => json(status, { data: value }, headers);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Decodes a stored record the way a reader means it: JSON parsed, text as a string, anything else as bytes. */
export function decodeRecord(record: StoredRecord): unknown {
    if (/^application\/(.+\+)?json/i.test(record.contentType)) {
        try {
            return JSON.parse(record.value.toString('utf8'));
        } catch {
            return record.value.toString('utf8');
        }
    }
    if (/^text\//i.test(record.contentType)) return record.value.toString('utf8');
    return record.value;
}

function queryBoolean(query: URLSearchParams, name: string): boolean {
    const value = query.get(name);
    return value === 'true' || value === '1';
}

function queryInteger(query: URLSearchParams, name: string, { min }: { min: number }): number | undefined {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min)
        throw new ApifyApiError(400, 'invalid-parameter', `Parameter "${name}" must be an integer of at least ${min}.`);
    return parsed;
}

class StandIn implements ApifyApi {
    readonly state: ApifyApiState;
    readonly calls: RecordedCall[] = [];
    url = '';
    private faults: PendingFault[] = [];
    private latencyMs: number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly overChargeListeners = new Set<(run: RunState) => void>();
    private readonly routes: Array<{ method: string; pattern: RegExp; route: Route }>;
    /** The key pair for secret input fields; made when the first run with an input schema starts. */
    private inputKeys?: { publicKey: KeyObject; privateKeyFile: string; passphrase: string };
    readonly server: Server;

    constructor(options: StartApifyApiOptions) {
        this.state = new ApifyApiState(options.now);
        this.state.itemCountLag = options.itemCountLag ?? 0;
        this.latencyMs = options.latencyMs ?? 0;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.routes = this.defineRoutes();
        this.server = createServer((req, res) => {
            this.handle(req, res).catch((error: unknown) => {
                if (!res.headersSent && !res.destroyed) {
                    res.writeHead(500, { 'Content-Type': 'application/json' });
                    res.end(JSON.stringify({ error: { type: 'internal-server-error', message: `The stand-in crashed: ${String(error)}` } }));
                }
            });
        });
    }

    async listen(): Promise<void> {
        await new Promise<void>((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(0, '127.0.0.1', () => resolve());
        });
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    // ---------------------------------------------------------------- control

    createUser(username?: string): ApifyUser {
        return this.state.createUser(username);
    }

    startRun({ user, inputSchema, input, ...options }: StartRunOptions): RunState {
        const stored =
            inputSchema && typeof input === 'object' && input !== null
                ? encryptInputSecrets({ input: input as Record<string, unknown>, inputSchema, publicKey: this.keys().publicKey })
                : input;
        return this.state.createRun({ ...options, input: stored, userId: user.id });
    }

    private keys() {
        if (!this.inputKeys) {
            const passphrase = randomBytes(16).toString('hex');
            const { publicKey, privateKey } = generateKeyPairSync('rsa', {
                modulusLength: 2048,
                publicKeyEncoding: { type: 'spki', format: 'pem' },
                privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
            });
            this.inputKeys = {
                publicKey: createPublicKey(publicKey),
                privateKeyFile: Buffer.from(privateKey).toString('base64'),
                passphrase,
            };
        }
        return this.inputKeys;
    }

    restartRun(runId: string): RunState {
        return this.state.restartRun(runId);
    }

    finishRun(runId: string, exitCode: number | null): RunState {
        return this.state.finishRun(runId, exitCode);
    }

    onOverCharge(listener: (run: RunState) => void): () => void {
        this.overChargeListeners.add(listener);
        return () => this.overChargeListeners.delete(listener);
    }

    runEnv(runId: string): Record<string, string> {
        const run = this.state.runOrThrow(runId);
        const user = this.state.users.get(run.userId)!;
        return {
            APIFY_IS_AT_HOME: '1',
            APIFY_TOKEN: user.token,
            APIFY_API_BASE_URL: this.url,
            APIFY_API_PUBLIC_BASE_URL: this.url,
            APIFY_USER_ID: user.id,
            ACTOR_ID: run.actId,
            ACTOR_RUN_ID: run.id,
            ACTOR_DEFAULT_KEY_VALUE_STORE_ID: run.defaultKeyValueStoreId,
            ACTOR_DEFAULT_DATASET_ID: run.defaultDatasetId,
            ACTOR_DEFAULT_REQUEST_QUEUE_ID: run.defaultRequestQueueId,
            ACTOR_MEMORY_MBYTES: String(run.memoryMbytes),
            ACTOR_STARTED_AT: new Date(run.startedAt).toISOString(),
            ...(run.maxTotalChargeUsd !== null ? { ACTOR_MAX_TOTAL_CHARGE_USD: String(run.maxTotalChargeUsd) } : {}),
            ...(this.inputKeys
                ? {
                      APIFY_INPUT_SECRETS_PRIVATE_KEY_FILE: this.inputKeys.privateKeyFile,
                      APIFY_INPUT_SECRETS_PRIVATE_KEY_PASSPHRASE: this.inputKeys.passphrase,
                  }
                : {}),
        };
    }

    callCounts(): Partial<Record<CallKind, number>> {
        const counts: Partial<Record<CallKind, number>> = {};
        for (const call of this.calls) counts[call.kind] = (counts[call.kind] ?? 0) + 1;
        return counts;
    }

    resetCalls(): void {
        this.calls.length = 0;
    }

    injectFault(fault: ApiFault): void {
        if (fault.status !== undefined && (fault.status < 500 || fault.status > 599)) throw new Error('An injected fault is a 5xx status.');
        this.faults.push({ fault, skip: fault.skip ?? 0, times: fault.times ?? 1 });
    }

    clearFaults(): void {
        this.faults = [];
    }

    setLatency(ms: number): void {
        this.latencyMs = ms;
    }

    setItemCountLag(pushes: number): void {
        this.state.itemCountLag = pushes;
    }

    // ---------------------------------------------------------------- inspection

    namedStore(user: ApifyUser, name: string): KeyValueStoreState | undefined {
        return [...this.state.stores.values()].find((store) => store.userId === user.id && store.name === name);
    }

    records(store: KeyValueStoreState | undefined): Record<string, unknown> {
        const records: Record<string, unknown> = {};
        for (const [key, record] of [...(store?.records ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) records[key] = decodeRecord(record);
        return records;
    }

    record(store: KeyValueStoreState | undefined, key: string): unknown {
        const record = store?.records.get(key);
        return record && decodeRecord(record);
    }

    datasetItems(datasetId: string): Array<Record<string, unknown>> {
        return [...(this.state.datasets.get(datasetId)?.items ?? [])];
    }

    charges(runId: string): ChargeState[] {
        return [...(this.state.runs.get(runId)?.charges ?? [])];
    }

    statusMessages(runId: string): string[] {
        return [...(this.state.runs.get(runId)?.statusMessages ?? [])];
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    // ---------------------------------------------------------------- pipeline

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? 'GET').toUpperCase();
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const path = url.pathname;
        const matched = this.match(method, path);
        const kind = matched?.route.kind ?? 'unknown';
        const recorded: RecordedCall = { kind, method, path, status: 0 };
        if (req.headers['content-encoding']) recorded.contentEncoding = req.headers['content-encoding'];
        this.calls.push(recorded);
        if (this.latencyMs > 0) await this.sleep(this.latencyMs);

        let reply: Reply;
        try {
            reply = await this.answer(req, method, path, url.searchParams, matched, recorded);
        } catch (error) {
            if (!(error instanceof ApifyApiError)) throw error;
            reply = json(error.status, { error: { type: error.type, message: error.message } });
        }
        recorded.status = reply.status;
        const headers: Record<string, string> = { ...reply.headers };
        let payload: Buffer | undefined;
        if (reply.raw !== undefined) {
            payload = reply.raw;
            headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
        } else if (reply.body !== undefined) {
            payload = Buffer.from(JSON.stringify(reply.body));
            headers['Content-Type'] = 'application/json; charset=utf-8';
        }
        if (payload) headers['Content-Length'] = String(payload.length);
        res.writeHead(reply.status, headers);
        res.end(method === 'HEAD' ? undefined : payload);
    }

    private async answer(
        req: IncomingMessage,
        method: string,
        path: string,
        query: URLSearchParams,
        matched: { route: Route; params: string[] } | undefined,
        recorded: RecordedCall,
    ): Promise<Reply> {
        if (!matched) {
            const known = this.routes.some(({ pattern }) => pattern.test(path));
            if (known) throw new ApifyApiError(405, 'method-not-allowed', `The stand-in does not serve ${method} ${path}.`);
            throw new ApifyApiError(404, 'page-not-found', `The stand-in does not serve ${method} ${path}.`);
        }
        const fault = this.takeFault(matched.route.kind, method, path);
        const faultReply = (status = fault?.status ?? 500) => {
            recorded.fault = true;
            return json(status, { error: { type: 'internal-server-error', message: `Injected fault: HTTP ${status}.` } });
        };
        if (fault && !fault.afterCommit) {
            // The body is read and dropped, as a failing server would.
            await readRaw(req);
            return faultReply();
        }
        const user = this.authenticate(req, query);
        let raw: Promise<Buffer> | undefined;
        const body = () => (raw ??= readBody(req));
        const call: Call = {
            user,
            params: matched.params,
            query,
            req,
            body,
            json: async () => {
                const bytes = await body();
                if (bytes.length === 0) return undefined;
                try {
                    return JSON.parse(bytes.toString('utf8')) as unknown;
                } catch {
                    throw new ApifyApiError(400, 'invalid-input', 'The request body is not valid JSON.');
                }
            },
        };
        const reply = await matched.route.handle(call);
        return fault ? faultReply() : reply;
    }

    private match(method: string, path: string): { route: Route; params: string[] } | undefined {
        for (const entry of this.routes) {
            if (entry.method !== method) continue;
            const found = entry.pattern.exec(path);
            if (found) return { route: entry.route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
        }
        return undefined;
    }

    private takeFault(kind: CallKind, method: string, path: string): ApiFault | undefined {
        for (const pending of this.faults) {
            const match = pending.fault.match ?? {};
            if (match.kind && match.kind !== kind) continue;
            if (match.method && match.method.toUpperCase() !== method) continue;
            if (match.path !== undefined && !(typeof match.path === 'string' ? match.path === path : match.path.test(path))) continue;
            if (pending.skip > 0) {
                pending.skip -= 1;
                continue;
            }
            pending.times -= 1;
            if (pending.times <= 0) this.faults = this.faults.filter((candidate) => candidate !== pending);
            return pending.fault;
        }
        return undefined;
    }

    /** The token from `Authorization: Bearer …` or `?token=`, as the API takes it. */
    private authenticate(req: IncomingMessage, query: URLSearchParams): ApifyUser {
        const header = req.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : (query.get('token') ?? undefined);
        if (!token) throw new ApifyApiError(401, 'token-not-provided', 'Authentication token was not provided.');
        const user = this.state.userByToken(token);
        if (!user) throw new ApifyApiError(401, 'invalid-token', 'Authentication token is not valid.');
        return user;
    }

    private own<T extends { userId: string }>(user: ApifyUser, resource: T): T {
        if (resource.userId !== user.id)
            throw new ApifyApiError(403, 'insufficient-permissions', 'You do not have permission to perform this action.');
        return resource;
    }

    // ---------------------------------------------------------------- routes

    private defineRoutes(): Array<{ method: string; pattern: RegExp; route: Route }> {
        const segment = '([^/]+)';
        const routes: Array<[string, string, CallKind, Route['handle']]> = [
            ['GET', `/v2/actor-runs/${segment}`, 'run.get', (call) => data(200, this.runObject(this.ownRun(call)))],
            ['PUT', `/v2/actor-runs/${segment}`, 'run.update', async (call) => this.updateRun(call)],
            ['POST', `/v2/actor-runs/${segment}/charge`, 'run.charge', async (call) => this.charge(call)],

            ['POST', '/v2/key-value-stores', 'kv.open', (call) => this.openStore(call)],
            ['GET', `/v2/key-value-stores/${segment}`, 'kv.info', (call) => data(200, this.storeObject(this.ownStore(call)))],
            ['GET', `/v2/key-value-stores/${segment}/keys`, 'kv.keys', (call) => this.listKeys(call)],
            ['GET', `/v2/key-value-stores/${segment}/records/${segment}`, 'kv.get', (call) => this.getRecord(call)],
            ['HEAD', `/v2/key-value-stores/${segment}/records/${segment}`, 'kv.head', (call) => this.getRecord(call)],
            ['PUT', `/v2/key-value-stores/${segment}/records/${segment}`, 'kv.put', async (call) => this.putRecord(call)],
            ['POST', `/v2/key-value-stores/${segment}/records/${segment}`, 'kv.put', async (call) => this.putRecord(call)],
            ['DELETE', `/v2/key-value-stores/${segment}/records/${segment}`, 'kv.delete', (call) => this.deleteRecord(call)],

            ['POST', '/v2/datasets', 'dataset.open', (call) => this.openDataset(call)],
            ['GET', `/v2/datasets/${segment}`, 'dataset.info', (call) => data(200, this.datasetObject(this.ownDataset(call)))],
            ['GET', `/v2/datasets/${segment}/items`, 'dataset.items', (call) => this.listItems(call)],
            ['POST', `/v2/datasets/${segment}/items`, 'dataset.push', async (call) => this.pushItems(call)],
        ];
        return routes.map(([method, path, kind, handle]) => ({ method, pattern: new RegExp(`^${path}/?$`), route: { kind, handle } }));
    }

    private ownRun(call: Call): RunState {
        return this.own(call.user, this.state.runOrThrow(call.params[0]!));
    }

    private ownStore(call: Call): KeyValueStoreState {
        return this.own(call.user, this.state.storeOrThrow(call.params[0]!));
    }

    private ownDataset(call: Call): DatasetState {
        return this.own(call.user, this.state.datasetOrThrow(call.params[0]!));
    }

    private async updateRun(call: Call): Promise<Reply> {
        const run = this.ownRun(call);
        const body = await call.json();
        if (typeof body !== 'object' || body === null || Array.isArray(body))
            throw new ApifyApiError(400, 'invalid-input', 'The body must be a JSON object.');
        this.state.updateRun(run, body as Record<string, unknown>);
        return data(200, this.runObject(run));
    }

    private async charge(call: Call): Promise<Reply> {
        const run = this.ownRun(call);
        const header = call.req.headers[CHARGE_IDEMPOTENCY_HEADER];
        const { overCharged } = this.state.charge(run, await call.json(), Array.isArray(header) ? header[0] : header);
        if (overCharged) for (const listener of this.overChargeListeners) listener(run);
        return json(201, {});
    }

    private openStore(call: Call): Reply {
        const name = call.query.get('name') ?? undefined;
        const { store, created } = this.state.getOrCreateStore(call.user.id, name === '' ? undefined : name);
        return data(created ? 201 : 200, this.storeObject(store), created ? { Location: `${this.url}/v2/key-value-stores/${store.id}` } : undefined);
    }

    private openDataset(call: Call): Reply {
        const name = call.query.get('name') ?? undefined;
        const { dataset, created } = this.state.getOrCreateDataset(call.user.id, name === '' ? undefined : name);
        return data(created ? 201 : 200, this.datasetObject(dataset), created ? { Location: `${this.url}/v2/datasets/${dataset.id}` } : undefined);
    }

    private listKeys(call: Call): Reply {
        const store = this.ownStore(call);
        const page = this.state.listKeys(store, {
            exclusiveStartKey: call.query.get('exclusiveStartKey') ?? undefined,
            prefix: call.query.get('prefix') ?? undefined,
            limit: queryInteger(call.query, 'limit', { min: 1 }),
        });
        const items = page.items.map((item) => ({
            ...item,
            recordPublicUrl: `${this.url}/v2/key-value-stores/${store.id}/records/${encodeURIComponent(item.key)}`,
        }));
        return data(200, { ...page, items });
    }

    private getRecord(call: Call): Reply {
        const store = this.ownStore(call);
        const record = this.state.getRecord(store, call.params[1]!);
        const headers: Record<string, string> = {};
        if (queryBoolean(call.query, 'attachment')) headers['Content-Disposition'] = `attachment; filename="${call.params[1]}"`;
        return { status: 200, raw: record.value, contentType: record.contentType, headers };
    }

    private async putRecord(call: Call): Promise<Reply> {
        const store = this.ownStore(call);
        const key = call.params[1]!;
        checkRecordKey(key);
        const value = await call.body();
        this.state.putRecord(store, key, { value, contentType: call.req.headers['content-type'] ?? 'application/octet-stream' });
        return json(201, {}, { Location: `${this.url}/v2/key-value-stores/${store.id}/records/${encodeURIComponent(key)}` });
    }

    private deleteRecord(call: Call): Reply {
        this.state.deleteRecord(this.ownStore(call), call.params[1]!);
        return { status: 204 };
    }

    private async pushItems(call: Call): Promise<Reply> {
        const dataset = this.ownDataset(call);
        const body = await call.body();
        if (body.length > MAX_PAYLOAD_BYTES)
            throw new ApifyApiError(
                413,
                'request-too-large',
                `The POST payload is too large (limit: ${MAX_PAYLOAD_BYTES} bytes, actual length: ${body.length} bytes).`,
            );
        const parsed = await call.json();
        if (parsed === undefined) throw new ApifyApiError(400, 'invalid-input', 'The request body is empty: send an item or an array of items.');
        this.state.pushItems(dataset, parsed);
        return json(201, {}, { Location: `${this.url}/v2/datasets/${dataset.id}/items` });
    }

    private listItems(call: Call): Reply {
        const dataset = this.ownDataset(call);
        const format = call.query.get('format') ?? 'json';
        if (format !== 'json')
            throw new ApifyApiError(400, 'invalid-parameter', `The stand-in serves dataset items as JSON only, not as "${format}".`);
        const offset = queryInteger(call.query, 'offset', { min: 0 }) ?? 0;
        const limit = queryInteger(call.query, 'limit', { min: 0 });
        const desc = queryBoolean(call.query, 'desc');
        const clean = queryBoolean(call.query, 'clean');
        const skipHidden = clean || queryBoolean(call.query, 'skipHidden');
        const skipEmpty = clean || queryBoolean(call.query, 'skipEmpty');
        const list = (name: string) => call.query.get(name)?.split(',').filter(Boolean);
        const fields = list('fields');
        const omit = list('omit');
        dataset.stats.readCount += 1;
        dataset.accessedAt = this.state.now();

        const ordered = desc ? [...dataset.items].reverse() : dataset.items;
        // Pagination counts stored items; skipped empty items make a page shorter, as on the platform.
        const page = ordered.slice(offset, limit === undefined ? undefined : offset + limit);
        const items = page
            .map((item) => {
                let shaped: Record<string, unknown> = item;
                if (skipHidden) shaped = Object.fromEntries(Object.entries(shaped).filter(([name]) => !name.startsWith('#')));
                if (fields) shaped = Object.fromEntries(fields.filter((name) => name in shaped).map((name) => [name, shaped[name]]));
                if (omit) shaped = Object.fromEntries(Object.entries(shaped).filter(([name]) => !omit.includes(name)));
                return shaped;
            })
            .filter((item) => !skipEmpty || Object.keys(item).length > 0);
        return json(200, items, {
            'X-Apify-Pagination-Offset': String(offset),
            'X-Apify-Pagination-Limit': String(limit ?? 999_999_999_999),
            'X-Apify-Pagination-Count': String(items.length),
            'X-Apify-Pagination-Total': String(dataset.items.length),
            'X-Apify-Pagination-Desc': String(desc),
        });
    }

    // ---------------------------------------------------------------- objects as the API answers them

    private runObject(run: RunState) {
        const at = this.state.now();
        return {
            id: run.id,
            actId: run.actId,
            userId: run.userId,
            actorTaskId: null,
            startedAt: iso(run.startedAt),
            finishedAt: iso(run.finishedAt),
            status: run.status,
            statusMessage: run.statusMessage,
            isStatusMessageTerminal: run.isStatusMessageTerminal,
            meta: { origin: 'API', userAgent: null, clientIp: null },
            pricingInfo: run.eventPrices
                ? {
                      pricingModel: 'PAY_PER_EVENT',
                      apifyMarginPercentage: 0.2,
                      createdAt: iso(run.startedAt),
                      startedAt: iso(run.startedAt),
                      pricingPerEvent: {
                          actorChargeEvents: Object.fromEntries(
                              Object.entries(run.eventPrices).map(([name, price]) => [
                                  name,
                                  { eventTitle: name, eventDescription: `One ${name} event.`, eventPriceUsd: price },
                              ]),
                          ),
                      },
                  }
                : { pricingModel: 'FREE', apifyMarginPercentage: 0, createdAt: iso(run.startedAt), startedAt: iso(run.startedAt) },
            stats: {
                restartCount: run.restartCount,
                migrationCount: 0,
                rebootCount: 0,
                resurrectCount: 0,
                durationMillis: (run.finishedAt ?? at) - run.startedAt,
                runTimeSecs: ((run.finishedAt ?? at) - run.startedAt) / 1000,
                computeUnits: 0,
            },
            chargedEventCounts: { ...run.chargedEventCounts },
            options: {
                build: 'latest',
                timeoutSecs: run.timeoutSecs,
                memoryMbytes: run.memoryMbytes,
                diskMbytes: run.memoryMbytes * 2,
                maxItems: null,
                maxTotalChargeUsd: run.maxTotalChargeUsd,
            },
            buildId: 'standInBuild0001',
            buildNumber: '0.1.1',
            exitCode: run.exitCode,
            generalAccess: 'FOLLOW_USER_SETTING',
            defaultKeyValueStoreId: run.defaultKeyValueStoreId,
            defaultDatasetId: run.defaultDatasetId,
            defaultRequestQueueId: run.defaultRequestQueueId,
            storageIds: {
                datasets: { default: run.defaultDatasetId },
                keyValueStores: { default: run.defaultKeyValueStoreId },
                requestQueues: { default: run.defaultRequestQueueId },
            },
            usageTotalUsd: this.state.billedUsd(run),
            platformUsageBillingModel: 'DEVELOPER',
        };
    }

    private storeObject(store: KeyValueStoreState) {
        const user = this.state.users.get(store.userId);
        return {
            id: store.id,
            name: store.name,
            userId: store.userId,
            username: user?.username ?? null,
            createdAt: iso(store.createdAt),
            modifiedAt: iso(store.modifiedAt),
            accessedAt: iso(store.accessedAt),
            actId: null,
            actRunId: store.actRunId,
            consoleUrl: `https://console.apify.com/storage/key-value-stores/${store.id}`,
            keysPublicUrl: `${this.url}/v2/key-value-stores/${store.id}/keys`,
            recordsPublicUrl: `${this.url}/v2/key-value-stores/${store.id}/records`,
            generalAccess: 'FOLLOW_USER_SETTING',
            stats: { ...store.stats, storageBytes: [...store.records.values()].reduce((total, record) => total + record.value.length, 0) },
        };
    }

    private datasetObject(dataset: DatasetState) {
        const count = this.state.reportedItemCount(dataset);
        return {
            id: dataset.id,
            name: dataset.name,
            userId: dataset.userId,
            createdAt: iso(dataset.createdAt),
            modifiedAt: iso(dataset.modifiedAt),
            accessedAt: iso(dataset.accessedAt),
            itemCount: count,
            cleanItemCount: count,
            actId: null,
            actRunId: dataset.actRunId,
            fields: [...new Set(dataset.items.flatMap((item) => Object.keys(item)))],
            consoleUrl: `https://console.apify.com/storage/datasets/${dataset.id}`,
            itemsPublicUrl: `${this.url}/v2/datasets/${dataset.id}/items`,
            generalAccess: 'FOLLOW_USER_SETTING',
            stats: { ...dataset.stats, storageBytes: Buffer.byteLength(JSON.stringify(dataset.items)) },
        };
    }
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
}

/** The body, decoded by its `Content-Encoding` (the SDK compresses bodies over 1 KB with brotli, or gzip). */
async function readBody(req: IncomingMessage): Promise<Buffer> {
    const raw = await readRaw(req);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    try {
        if (encoding === 'br') return brotliDecompressSync(raw);
        if (encoding === 'gzip') return gunzipSync(raw);
        if (encoding === 'deflate') return inflateSync(raw);
    } catch {
        throw new ApifyApiError(400, 'invalid-input', `The request body is not valid ${encoding} data.`);
    }
    if (encoding !== 'identity') throw new ApifyApiError(415, 'unsupported-content-encoding', `Content-Encoding "${encoding}" is not supported.`);
    return raw;
}

export async function startApifyApi(options: StartApifyApiOptions = {}): Promise<ApifyApi> {
    const standIn = new StandIn(options);
    await standIn.listen();
    return standIn;
}
