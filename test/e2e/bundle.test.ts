/**
 * The bundle is what the image runs, alone: dist/ copied to a folder with no node_modules anywhere above it, as in
 * the image's runtime stage. It must work with both kinds of local storage and, as on the platform, with the
 * Apify API for input, dataset, key-value store and pay-per-event charges (here a stand-in of that API): the
 * SDK finds its storage clients by class name, which a careless bundle breaks.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AccountFixture, startWithAccount } from './fixture.js';
import { runActor } from './harness.js';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const BOARDS = 4;

let account: AccountFixture;
let shippedDir: string;
let shippedMain: string;

beforeAll(async () => {
    account = await startWithAccount({ username: 'bundled' });
    for (let board = 1; board < BOARDS; board += 1) account.emulator.state.createBoard(account.userId, { name: `Board ${board}` });
    shippedDir = mkdtempSync(join(tmpdir(), 'shipped-actor-'));
    cpSync(DIST, join(shippedDir, 'dist'), { recursive: true });
    shippedMain = join(shippedDir, 'dist', 'main.js');
});

afterAll(async () => {
    await account.emulator.close();
    rmSync(shippedDir, { recursive: true, force: true });
});

function hasNodeModulesAbove(dir: string): boolean {
    for (let current = dir; ; current = dirname(current)) {
        if (existsSync(join(current, 'node_modules'))) return true;
        if (dirname(current) === current) return false;
    }
}

describe('the shipped bundle', () => {
    it('runs with no node_modules to fall back on', () => {
        expect(hasNodeModulesAbove(shippedDir)).toBe(false);
    });

    it('stores items in local file storage', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            payPerEvent: true,
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toHaveLength(BOARDS);
        expect(run.charges.reduce((total, charge) => total + charge.chargedCount, 0)).toBe(BOARDS);
        expect(run.statusMessage).toBe(`Fetched ${BOARDS} boards.`);
    });

    it('works with local storage kept in memory', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            env: { CRAWLEE_PERSIST_STORAGE: 'false' },
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toEqual([]); // nothing on disk
        expect(run.statusMessage).toBe(`Fetched ${BOARDS} boards.`);
    });

    it('leaves what a local run does not use alone: the platform’s API client, and Crawlee’s CPU and memory sampling', async () => {
        const run = await runActor({
            main: shippedMain,
            baseUrl: account.emulator.baseUrl,
            input: { accessToken: account.token },
            nodeArgs: ['--import', START_UP_REPORT],
            env: { CRAWLEE_PERSIST_STORAGE: 'false' },
        });
        expect(run.exitCode, run.log).toBe(0);
        // Crawlee samples the system with `getconf` and `ps` for autoscaled pools, which this Actor has none of.
        expect(startUpReport(run.log)).toEqual({ started: [], http2Loaded: false });
    });

    it('uses the Apify API for storage and charging when it runs on the platform', async () => {
        const api = await startApifyApiStandIn({ mode: 'list-boards', accessToken: account.token });
        try {
            const run = await runActor({
                main: shippedMain,
                baseUrl: account.emulator.baseUrl,
                input: {},
                nodeArgs: ['--import', START_UP_REPORT],
                env: {
                    APIFY_IS_AT_HOME: '1',
                    APIFY_TOKEN: 'apify-test-token',
                    APIFY_API_BASE_URL: api.url,
                    ACTOR_ID: 'actor1',
                    ACTOR_RUN_ID: RUN_ID,
                    ACTOR_DEFAULT_KEY_VALUE_STORE_ID: STORE_ID,
                    ACTOR_DEFAULT_DATASET_ID: DATASET_ID,
                    ACTOR_MAX_TOTAL_CHARGE_USD: '5',
                },
            });
            expect(run.exitCode, `${run.log}\nAPI calls:\n${api.calls.join('\n')}`).toBe(0);
            expect(api.pushedItems).toHaveLength(BOARDS);
            expect(api.pushedItems.map((item) => item.type)).toEqual(Array(BOARDS).fill('board'));
            expect(api.charges).toEqual([{ eventName: 'item-fetched', count: BOARDS }]);
            expect(api.records.get('RUN-PROGRESS')).toMatchObject({ delivered: BOARDS, done: true });
            expect(api.statusMessages.at(-1)).toBe(`Fetched ${BOARDS} boards.`);
            expect(run.items).toEqual([]); // nothing in local storage
            expect(startUpReport(run.log)).toMatchObject({ http2Loaded: true }); // the API client, created on first use
        } finally {
            await api.close();
        }
    });
});

const START_UP_REPORT = fileURLToPath(new URL('./report-start-up.mjs', import.meta.url));
const startUpReport = (log: string): unknown => JSON.parse(/START_UP_REPORT (.*)/.exec(log)?.[1] ?? 'null');

const RUN_ID = 'run1';
const STORE_ID = 'store1';
const DATASET_ID = 'dataset1';

interface ApifyApiStandIn {
    url: string;
    calls: string[];
    pushedItems: Array<Record<string, unknown>>;
    charges: Array<{ eventName: string; count: number }>;
    records: Map<string, unknown>;
    statusMessages: string[];
    close(): Promise<void>;
}

/** Just enough of the Apify API (v2) for one run: its input, default stores, charging and status message. */
async function startApifyApiStandIn(input: unknown): Promise<ApifyApiStandIn> {
    const state: Omit<ApifyApiStandIn, 'url' | 'close'> = {
        calls: [],
        pushedItems: [],
        charges: [],
        records: new Map([['INPUT', input]]),
        statusMessages: [],
    };
    const readJson = async (req: IncomingMessage): Promise<unknown> => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        const encoding = req.headers['content-encoding'];
        const raw = encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
        return raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    };
    const server: Server = createServer((req, res) => {
        const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
        state.calls.push(`${req.method} ${pathname}`);
        const reply = (status: number, body?: unknown) => {
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end(body === undefined ? '' : JSON.stringify(body));
        };
        const handle = async () => {
            const record = /^\/v2\/key-value-stores\/([^/]+)\/records\/([^/]+)$/.exec(pathname);
            if (req.method === 'GET' && pathname === `/v2/actor-runs/${RUN_ID}`) {
                const pricingPerEvent = {
                    actorChargeEvents: {
                        'item-fetched': { eventPriceUsd: 0.01, eventTitle: 'Item' },
                        'pin-created': { eventPriceUsd: 0.05, eventTitle: 'Pin' },
                    },
                };
                return reply(200, {
                    data: {
                        id: RUN_ID,
                        pricingInfo: { pricingModel: 'PAY_PER_EVENT', pricingPerEvent },
                        chargedEventCounts: {},
                        options: { maxTotalChargeUsd: 5 },
                    },
                });
            }
            if (req.method === 'POST' && pathname === `/v2/actor-runs/${RUN_ID}/charge`) {
                state.charges.push((await readJson(req)) as { eventName: string; count: number });
                return reply(201);
            }
            if (req.method === 'PUT' && pathname === `/v2/actor-runs/${RUN_ID}`) {
                const body = (await readJson(req)) as { statusMessage?: string };
                if (body.statusMessage) state.statusMessages.push(body.statusMessage);
                return reply(200, { data: { id: RUN_ID } });
            }
            if (record?.[1] === STORE_ID && record[2]) {
                const key = decodeURIComponent(record[2]);
                if (req.method === 'PUT') {
                    state.records.set(key, await readJson(req));
                    return reply(201);
                }
                if (req.method === 'GET' && state.records.has(key)) return reply(200, state.records.get(key));
                return reply(404, { error: { type: 'record-not-found', message: 'Record was not found' } });
            }
            if (req.method === 'POST' && pathname === `/v2/datasets/${DATASET_ID}/items`) {
                const items = await readJson(req);
                state.pushedItems.push(...((Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>));
                return reply(201);
            }
            if (req.method === 'GET' && pathname === `/v2/datasets/${DATASET_ID}`)
                return reply(200, { data: { id: DATASET_ID, itemCount: state.pushedItems.length } });
            if (req.method === 'GET' && pathname === `/v2/key-value-stores/${STORE_ID}`) return reply(200, { data: { id: STORE_ID } });
            return reply(404, { error: { type: 'not-found', message: `The stand-in does not serve ${req.method} ${pathname}` } });
        };
        handle().catch((error: unknown) => reply(500, { error: { type: 'stand-in-failed', message: String(error) } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        ...state,
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
