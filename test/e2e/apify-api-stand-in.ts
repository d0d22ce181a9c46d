/**
 * Just enough of the Apify API (v2) for one platform run of the Actor, on 127.0.0.1: its input, default stores,
 * pay-per-event charging and status message. The bundle test checks a platform run against it, and the start-up
 * benchmark (test/bench/start-up.ts) measures one. Start one per run: it keeps the run's records.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

const RUN_ID = 'run1';
const STORE_ID = 'store1';
const DATASET_ID = 'dataset1';

export interface ApifyApiStandIn {
    url: string;
    calls: string[];
    pushedItems: Array<Record<string, unknown>>;
    charges: Array<{ eventName: string; count: number }>;
    records: Map<string, unknown>;
    statusMessages: string[];
    close(): Promise<void>;
}

/** Just enough of the Apify API (v2) for one run: its input, default stores, charging and status message. */
export async function startApifyApiStandIn(input: unknown): Promise<ApifyApiStandIn> {
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

/** The environment the platform gives a run of the Actor, pointed at the stand-in. */
export function platformEnv(api: ApifyApiStandIn): Record<string, string> {
    return {
        APIFY_IS_AT_HOME: '1',
        APIFY_TOKEN: 'apify-test-token',
        APIFY_API_BASE_URL: api.url,
        ACTOR_ID: 'actor1',
        ACTOR_RUN_ID: RUN_ID,
        ACTOR_DEFAULT_KEY_VALUE_STORE_ID: STORE_ID,
        ACTOR_DEFAULT_DATASET_ID: DATASET_ID,
        ACTOR_MAX_TOTAL_CHARGE_USD: '5',
    };
}
