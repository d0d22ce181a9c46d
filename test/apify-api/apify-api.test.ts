import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import { ApifyClient } from 'apify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { type ApifyApi, type ApifyUser, RECORD_KEY_PATTERN, startApifyApi, STORAGE_NAME_PATTERN } from './index.js';

/**
 * The answers' shapes, written down from the Apify API v2 reference (apify-docs, apify-api/openapi/components/
 * schemas): the required fields and their types. `.loose()` lets the optional ones through.
 */
const isoDate = z.iso.datetime();
const ERROR_RESPONSE = z.object({ error: z.object({ type: z.string(), message: z.string() }) });
const KEY_VALUE_STORE = z
    .object({
        id: z.string(),
        name: z.string().nullable(),
        userId: z.string().nullable(),
        createdAt: isoDate,
        modifiedAt: isoDate,
        accessedAt: isoDate,
    })
    .loose();
const LIST_OF_KEYS = z
    .object({
        items: z.array(z.object({ key: z.string(), size: z.number().int(), recordPublicUrl: z.url() })),
        count: z.number().int(),
        limit: z.number().int(),
        exclusiveStartKey: z.string().nullable().optional(),
        isTruncated: z.boolean(),
        nextExclusiveStartKey: z.string().nullable().optional(),
    })
    .strict();
const DATASET = z
    .object({
        id: z.string(),
        name: z.string().nullable().optional(),
        userId: z.string(),
        createdAt: isoDate,
        modifiedAt: isoDate,
        accessedAt: isoDate,
        itemCount: z.number().int().min(0),
        cleanItemCount: z.number().int().min(0),
        consoleUrl: z.url(),
    })
    .loose();
const RUN = z
    .object({
        id: z.string(),
        actId: z.string(),
        userId: z.string(),
        startedAt: isoDate,
        status: z.enum(['READY', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMING-OUT', 'TIMED-OUT', 'ABORTING', 'ABORTED']),
        meta: z.object({ origin: z.string() }).loose(),
        stats: z.object({}).loose(),
        options: z
            .object({
                build: z.string(),
                timeoutSecs: z.number().int(),
                memoryMbytes: z.number().int(),
                diskMbytes: z.number().int(),
                maxTotalChargeUsd: z.number().nullable().optional(),
            })
            .loose(),
        buildId: z.string(),
        defaultKeyValueStoreId: z.string(),
        defaultDatasetId: z.string(),
        defaultRequestQueueId: z.string(),
        generalAccess: z.enum(['ANYONE_WITH_ID_CAN_READ', 'ANYONE_WITH_NAME_CAN_READ', 'FOLLOW_USER_SETTING', 'RESTRICTED']),
        chargedEventCounts: z.record(z.string(), z.number().int()).optional(),
        buildNumber: z
            .string()
            .regex(/^([0-9]|[1-9][0-9])\.([0-9]|[1-9][0-9])(\.[1-9][0-9]{0,4})$/)
            .nullable()
            .optional(),
        pricingInfo: z
            .discriminatedUnion('pricingModel', [
                z
                    .object({
                        pricingModel: z.literal('PAY_PER_EVENT'),
                        apifyMarginPercentage: z.number(),
                        createdAt: isoDate,
                        startedAt: isoDate,
                        pricingPerEvent: z.object({
                            actorChargeEvents: z.record(
                                z.string(),
                                z.object({ eventTitle: z.string(), eventDescription: z.string(), eventPriceUsd: z.number() }).loose(),
                            ),
                        }),
                    })
                    .loose(),
                z.object({ pricingModel: z.literal('FREE'), apifyMarginPercentage: z.number(), createdAt: isoDate, startedAt: isoDate }).loose(),
            ])
            .optional(),
    })
    .loose();
const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema }).strict();

let api: ApifyApi;
let user: ApifyUser;
let slept: number[];

beforeAll(async () => {
    slept = [];
    api = await startApifyApi({
        sleep: async (ms) => {
            slept.push(ms);
        },
    });
    user = api.createUser('tester');
});
afterAll(async () => api.close());
beforeEach(() => {
    api.clearFaults();
    api.resetCalls();
    api.setLatency(0);
    api.setItemCountLag(0);
});

/** One raw HTTP call, so that status codes and headers are seen as the API sends them. */
async function call(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? user.token}`;
    const response = await fetch(`${api.url}/v2${path}`, { method, headers, body: init.body });
    const text = await response.text();
    let body: unknown = text;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        // not JSON: kept as text
    }
    return { status: response.status, headers: response.headers, body, text };
}
const sendJson = (value: unknown) => ({ body: JSON.stringify(value), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
const openStore = async (name: string) => dataOf(KEY_VALUE_STORE).parse((await call('POST', `/key-value-stores?name=${name}`)).body).data;

describe('key-value stores', () => {
    it('gets or creates a store by name: 201 and Location the first time, 200 with the same store after', async () => {
        const first = await call('POST', '/key-value-stores?name=my-ledger');
        expect(first.status).toBe(201);
        const created = dataOf(KEY_VALUE_STORE).parse(first.body).data;
        expect(created).toMatchObject({ name: 'my-ledger', userId: user.id, username: 'tester' });
        expect(first.headers.get('location')).toBe(`${api.url}/v2/key-value-stores/${created.id}`);
        const again = await call('POST', '/key-value-stores?name=my-ledger');
        expect(again.status).toBe(200);
        expect(dataOf(KEY_VALUE_STORE).parse(again.body).data.id).toBe(created.id);
        expect(dataOf(KEY_VALUE_STORE).parse((await call('GET', `/key-value-stores/${created.id}`)).body).data.id).toBe(created.id);
        expect(dataOf(KEY_VALUE_STORE).parse((await call('GET', `/key-value-stores/tester~my-ledger`)).body).data.id).toBe(created.id);
        // Another account's store of the same name is another store.
        const other = api.createUser('other');
        const theirs = dataOf(KEY_VALUE_STORE).parse((await call('POST', '/key-value-stores?name=my-ledger', { token: other.token })).body).data;
        expect(theirs.id).not.toBe(created.id);
        expect(api.callCounts()).toMatchObject({ 'kv.open': 3, 'kv.info': 2 });
    });

    it('does not take a bare name for an ID, so the SDK opens a named store with GET (404) and then POST', async () => {
        await openStore('bare-name');
        const byName = await call('GET', '/key-value-stores/bare-name');
        expect(byName.status).toBe(404);
        expect(ERROR_RESPONSE.parse(byName.body).error.type).toBe('record-not-found');
    });

    it.each([
        ['-leading', 'a leading hyphen'],
        ['trailing-', 'a trailing hyphen'],
        ['under_score', 'an underscore'],
        ['dotted.name', 'a dot'],
        ['a'.repeat(64), '64 characters'],
    ])('rejects the store name %j (%s) with 400', async (name) => {
        const answer = await call('POST', `/key-value-stores?name=${encodeURIComponent(name)}`);
        expect(answer.status).toBe(400);
        expect(ERROR_RESPONSE.parse(answer.body).error.message).toMatch(/at most 63 characters, only letters, digits and hyphens/);
        expect(STORAGE_NAME_PATTERN.test(name)).toBe(false);
    });

    it('accepts DNS-safe names up to 63 characters', async () => {
        for (const name of ['a', 'A1', 'pinterest-pin-ledger', `x${'-y'.repeat(31)}`])
            expect((await call('POST', `/key-value-stores?name=${name}`)).status).toBe(201);
    });

    it('stores records of any content type and answers them with it; a missing one is 404 record-not-found', async () => {
        const store = await openStore('records');
        const base = `/key-value-stores/${store.id}/records`;
        expect((await call('PUT', `${base}/OUTPUT`, sendJson({ done: true }))).status).toBe(201);
        expect(
            (await call('PUT', `${base}/report.html`, { body: '<p>hi</p>', headers: { 'Content-Type': 'text/html; charset=utf-8' } })).status,
        ).toBe(201);
        const bytes = Buffer.from([0, 159, 146, 150, 255]);
        expect((await call('PUT', `${base}/picture.png`, { body: bytes, headers: { 'Content-Type': 'image/png' } })).status).toBe(201);

        const output = await call('GET', `${base}/OUTPUT?attachment=true`);
        expect(output).toMatchObject({ status: 200, body: { done: true } });
        expect(output.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const html = await call('GET', `${base}/report.html`);
        expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(html.text).toBe('<p>hi</p>');
        const picture = await fetch(`${api.url}/v2${base}/picture.png`, { headers: { Authorization: `Bearer ${user.token}` } });
        expect(Buffer.from(await picture.arrayBuffer())).toEqual(bytes);
        expect(api.records(api.namedStore(user, 'records'))).toEqual({ OUTPUT: { done: true }, 'picture.png': bytes, 'report.html': '<p>hi</p>' });

        const missing = await call('GET', `${base}/NOPE`);
        expect(missing.status).toBe(404);
        expect(ERROR_RESPONSE.parse(missing.body).error.type).toBe('record-not-found');
        expect((await call('HEAD', `${base}/OUTPUT`)).status).toBe(200);
        expect((await call('HEAD', `${base}/NOPE`)).status).toBe(404);
        expect((await call('DELETE', `${base}/OUTPUT`)).status).toBe(204);
        expect((await call('GET', `${base}/OUTPUT`)).status).toBe(404);
        expect(api.callCounts()).toMatchObject({ 'kv.put': 3, 'kv.get': 5, 'kv.head': 2, 'kv.delete': 1 });
    });

    it("takes keys of up to 256 characters of a-zA-Z0-9!-_.'() and rejects others with 400 invalid-record-key", async () => {
        const store = await openStore('keys-rule');
        for (const key of ["a!-_.'()Z9", 'k'.repeat(256)]) {
            expect((await call('PUT', `/key-value-stores/${store.id}/records/${encodeURIComponent(key)}`, sendJson(1))).status).toBe(201);
        }
        for (const key of ['k'.repeat(257), 'with space', 'colon:key', 'hash#key', 'tilde~key', 'slash%2Fkey', 'ümlaut']) {
            const answer = await call('PUT', `/key-value-stores/${store.id}/records/${encodeURIComponent(key)}`, sendJson(1));
            expect(answer.status, key).toBe(400);
            expect(ERROR_RESPONSE.parse(answer.body).error.type).toBe('invalid-record-key');
            expect(RECORD_KEY_PATTERN.test(decodeURIComponent(key))).toBe(false);
        }
        expect((await call('GET', `/key-value-stores/${store.id}/records/bad%20key`)).status).toBe(400);
    });

    it('lists keys in sorted order with prefix, exclusiveStartKey and limit (at most 1000 a page)', async () => {
        const store = await openStore('listing');
        const target = api.state.stores.get(store.id)!;
        const keys = Array.from({ length: 1205 }, (_, n) => `q-${String(n).padStart(4, '0')}`);
        for (const key of [...keys].reverse()) api.state.putRecord(target, key, { value: Buffer.from('{}'), contentType: 'application/json' });
        api.state.putRecord(target, 'zeta', { value: Buffer.from('12345'), contentType: 'application/json' });

        const first = dataOf(LIST_OF_KEYS).parse((await call('GET', `/key-value-stores/${store.id}/keys?prefix=q-`)).body).data;
        expect(first).toMatchObject({ count: 1000, limit: 1000, isTruncated: true, exclusiveStartKey: null, nextExclusiveStartKey: 'q-0999' });
        expect(first.items.map((item) => item.key)).toEqual(keys.slice(0, 1000));
        const rest = dataOf(LIST_OF_KEYS).parse(
            (await call('GET', `/key-value-stores/${store.id}/keys?prefix=q-&exclusiveStartKey=q-0999&limit=5000`)).body,
        ).data;
        expect(rest).toMatchObject({ count: 205, limit: 1000, isTruncated: false, exclusiveStartKey: 'q-0999', nextExclusiveStartKey: null });
        expect(rest.items.at(-1)?.key).toBe('q-1204');
        const small = dataOf(LIST_OF_KEYS).parse(
            (await call('GET', `/key-value-stores/${store.id}/keys?limit=2&exclusiveStartKey=q-1203`)).body,
        ).data;
        expect(small.items).toEqual([
            { key: 'q-1204', size: 2, recordPublicUrl: `${api.url}/v2/key-value-stores/${store.id}/records/q-1204` },
            { key: 'zeta', size: 5, recordPublicUrl: expect.any(String) },
        ]);
        expect((await call('GET', `/key-value-stores/${store.id}/keys?limit=0`)).status).toBe(400);
        expect(api.callCounts()['kv.keys']).toBe(4);
    });

    it('takes brotli, gzip and deflate bodies, as the API client sends anything over 1 KB', async () => {
        const store = await openStore('compressed');
        const value = JSON.stringify({ text: 'z'.repeat(5000) });
        for (const [encoding, body] of [
            ['br', brotliCompressSync(value)],
            ['gzip', gzipSync(value)],
            ['deflate', deflateSync(value)],
        ] as const) {
            const answer = await call('PUT', `/key-value-stores/${store.id}/records/${encoding}`, {
                body,
                headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
            });
            expect(answer.status).toBe(201);
            expect(api.record(api.state.stores.get(store.id), encoding)).toEqual({ text: 'z'.repeat(5000) });
        }
        const unknown = await call('PUT', `/key-value-stores/${store.id}/records/x`, { body: 'x', headers: { 'Content-Encoding': 'zstd' } });
        expect(unknown.status).toBe(415);
        expect(ERROR_RESPONSE.parse(unknown.body).error.type).toBe('unsupported-content-encoding');
    });
});

describe('datasets', () => {
    it('pushes one item or an array, reports itemCount, and lists items with offset, limit, desc and clean', async () => {
        const opened = await call('POST', '/datasets?name=results');
        expect(opened.status).toBe(201);
        const dataset = dataOf(DATASET).parse(opened.body).data;
        const items = `/datasets/${dataset.id}/items`;
        expect((await call('POST', items, sendJson({ n: 1 }))).status).toBe(201);
        expect(
            (
                await call('POST', items, {
                    body: gzipSync(JSON.stringify([{ n: 2, '#debug': 'x' }, {}, { n: 4 }])),
                    headers: { 'Content-Encoding': 'gzip' },
                })
            ).status,
        ).toBe(201);
        expect(dataOf(DATASET).parse((await call('GET', `/datasets/${dataset.id}`)).body).data.itemCount).toBe(4);

        const page = await call('GET', `${items}?offset=1&limit=2`);
        expect(page.body).toEqual([{ n: 2, '#debug': 'x' }, {}]);
        expect(
            Object.fromEntries(['offset', 'limit', 'count', 'total', 'desc'].map((name) => [name, page.headers.get(`x-apify-pagination-${name}`)])),
        ).toEqual({
            offset: '1',
            limit: '2',
            count: '2',
            total: '4',
            desc: 'false',
        });
        expect((await call('GET', `${items}?desc=1&limit=2`)).body).toEqual([{ n: 4 }, {}]);
        expect((await call('GET', `${items}?clean=true`)).body).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
        expect((await call('GET', `${items}?fields=n`)).body).toEqual([{ n: 1 }, { n: 2 }, {}, { n: 4 }]);
        expect(api.callCounts()).toMatchObject({ 'dataset.open': 1, 'dataset.push': 2, 'dataset.info': 1, 'dataset.items': 4 });
    });

    it('refuses a push with an item that is not an object, storing none of it', async () => {
        const dataset = dataOf(DATASET).parse((await call('POST', '/datasets')).body).data;
        const answer = await call('POST', `/datasets/${dataset.id}/items`, sendJson([{ ok: 1 }, 'text']));
        expect(answer.status).toBe(400);
        expect(ERROR_RESPONSE.parse(answer.body).error.type).toBe('invalid-input');
        expect(api.datasetItems(dataset.id)).toEqual([]);
    });

    it('can report an itemCount that lags behind the pushes, as the platform does', async () => {
        const dataset = dataOf(DATASET).parse((await call('POST', '/datasets')).body).data;
        api.setItemCountLag(1);
        for (const n of [1, 2, 3]) await call('POST', `/datasets/${dataset.id}/items`, sendJson([{ n }, { n }]));
        expect(dataOf(DATASET).parse((await call('GET', `/datasets/${dataset.id}`)).body).data.itemCount).toBe(4);
        expect((await call('GET', `/datasets/${dataset.id}/items`)).body).toHaveLength(6);
    });
});

describe('runs', () => {
    const prices = { 'item-fetched': 0.25, 'pin-created': 1 };

    it('answers the run with its pricing, charged events and maximum total charge', async () => {
        const run = api.startRun({ user, input: { mode: 'list-boards' }, eventPrices: prices, maxTotalChargeUsd: 2 });
        const answer = dataOf(RUN).parse((await call('GET', `/actor-runs/${run.id}`)).body).data;
        expect(answer).toMatchObject({
            id: run.id,
            status: 'RUNNING',
            chargedEventCounts: {},
            options: { maxTotalChargeUsd: 2 },
            defaultKeyValueStoreId: run.defaultKeyValueStoreId,
            defaultDatasetId: run.defaultDatasetId,
            pricingInfo: { pricingModel: 'PAY_PER_EVENT', pricingPerEvent: { actorChargeEvents: { 'pin-created': { eventPriceUsd: 1 } } } },
        });
        expect(api.record(api.state.stores.get(run.defaultKeyValueStoreId), 'INPUT')).toEqual({ mode: 'list-boards' });
        const free = api.startRun({ user });
        expect(dataOf(RUN).parse((await call('GET', `/actor-runs/${free.id}`)).body).data.pricingInfo?.pricingModel).toBe('FREE');
        expect(api.runEnv(run.id)).toMatchObject({
            ACTOR_RUN_ID: run.id,
            ACTOR_MAX_TOTAL_CHARGE_USD: '2',
            APIFY_TOKEN: user.token,
            APIFY_IS_AT_HOME: '1',
        });
    });

    it('charges once per idempotency key, bills only what fits under the maximum total charge, and then aborts the run', async () => {
        const run = api.startRun({ user, eventPrices: prices, maxTotalChargeUsd: 2 });
        const charge = (count: number, key: string, eventName = 'item-fetched') =>
            call('POST', `/actor-runs/${run.id}/charge`, {
                ...sendJson({ eventName, count }),
                headers: { 'Content-Type': 'application/json', 'idempotency-key': key },
            });
        const overCharged: string[] = [];
        const stop = api.onOverCharge((aborted) => overCharged.push(aborted.id));
        try {
            expect(await charge(4, 'a')).toMatchObject({ status: 201, body: {} });
            expect((await charge(4, 'a')).status).toBe(201); // a retry of the same charge
            expect((await charge(1, 'b', 'pin-created')).status).toBe(201);
            expect(overCharged).toEqual([]);
            // $2 is spent: the API still says 201, as the platform does, but bills nothing and aborts the run.
            expect((await charge(1, 'c')).status).toBe(201);
        } finally {
            stop();
        }
        expect(overCharged).toEqual([run.id]);
        expect(api.charges(run.id).map(({ eventName, count, chargedCount }) => [eventName, count, chargedCount])).toEqual([
            ['item-fetched', 4, 4],
            ['pin-created', 1, 1],
            ['item-fetched', 1, 0],
        ]);
        const answer = dataOf(RUN).parse((await call('GET', `/actor-runs/${run.id}`)).body).data;
        expect(answer).toMatchObject({ status: 'ABORTING', chargedEventCounts: { 'item-fetched': 5, 'pin-created': 1 }, usageTotalUsd: 2 });
    });

    it('refuses charges the platform refuses', async () => {
        const run = api.startRun({ user, eventPrices: prices });
        const free = api.startRun({ user });
        const charge = async (runId: string, body: unknown) => {
            const answer = await call('POST', `/actor-runs/${runId}/charge`, sendJson(body));
            return [answer.status, ERROR_RESPONSE.parse(answer.body).error.type];
        };
        expect(await charge(free.id, { eventName: 'item-fetched', count: 1 })).toEqual([400, 'cannot-charge-non-pay-per-event-actor']);
        expect(await charge(run.id, { eventName: 'apify-default-dataset-item', count: 1 })).toEqual([400, 'cannot-charge-apify-event']);
        expect(await charge(run.id, { eventName: 'no-such-event', count: 1 })).toEqual([400, 'invalid-input']);
        expect(await charge(run.id, { eventName: 'item-fetched', count: 0 })).toEqual([400, 'invalid-input']);
        expect(await charge('nope', { eventName: 'item-fetched', count: 1 })).toEqual([404, 'record-not-found']);
        expect(api.charges(run.id)).toEqual([]);
    });

    it('keeps status messages, and a restarted run keeps its storages and charges', async () => {
        const run = api.startRun({ user, eventPrices: prices });
        const update = await call('PUT', `/actor-runs/${run.id}`, sendJson({ statusMessage: 'Halfway.', isStatusMessageTerminal: false }));
        expect(dataOf(RUN).parse(update.body).data).toMatchObject({ statusMessage: 'Halfway.', isStatusMessageTerminal: false });
        await call('POST', `/actor-runs/${run.id}/charge`, sendJson({ eventName: 'pin-created', count: 2 }));
        api.finishRun(run.id, null);
        expect(api.state.runs.get(run.id)?.status).toBe('ABORTED');
        const restarted = api.restartRun(run.id);
        expect(restarted).toMatchObject({
            status: 'RUNNING',
            defaultDatasetId: run.defaultDatasetId,
            chargedEventCounts: { 'pin-created': 2 },
            restartCount: 1,
        });
        await call('PUT', `/actor-runs/${run.id}`, sendJson({ statusMessage: 'Done.', isStatusMessageTerminal: true }));
        api.finishRun(run.id, 0);
        expect(api.statusMessages(run.id)).toEqual(['Halfway.', 'Done.']);
        expect(dataOf(RUN).parse((await call('GET', `/actor-runs/${run.id}`)).body).data).toMatchObject({ status: 'SUCCEEDED', exitCode: 0 });
        expect(api.callCounts()).toMatchObject({ 'run.update': 2, 'run.charge': 1, 'run.get': 1 });
    });
});

describe('the stand-in itself', () => {
    it('wants a valid token and keeps accounts apart', async () => {
        const store = await openStore('private');
        expect(ERROR_RESPONSE.parse((await call('GET', `/key-value-stores/${store.id}`, { token: null })).body).error.type).toBe(
            'token-not-provided',
        );
        expect((await call('GET', `/key-value-stores/${store.id}`, { token: 'wrong' })).status).toBe(401);
        expect((await call('GET', `/key-value-stores/${store.id}`, { token: api.createUser().token })).status).toBe(403);
    });

    it('injects 5xx faults for matching calls only, changing nothing, and counts every call by kind', async () => {
        const store = await openStore('faulty');
        api.resetCalls();
        api.injectFault({ match: { kind: 'kv.put' }, skip: 1, times: 2, status: 503 });
        const put = (key: string) => call('PUT', `/key-value-stores/${store.id}/records/${key}`, sendJson(key));
        expect((await put('one')).status).toBe(201);
        expect((await call('GET', `/key-value-stores/${store.id}/records/one`)).status).toBe(200);
        expect((await put('two')).status).toBe(503);
        expect((await put('two')).status).toBe(503);
        expect((await put('two')).status).toBe(201);
        expect(Object.keys(api.records(api.state.stores.get(store.id)))).toEqual(['one', 'two']);
        expect(api.calls.filter((recorded) => recorded.fault).map((recorded) => recorded.status)).toEqual([503, 503]);
        expect(api.callCounts()).toEqual({ 'kv.put': 4, 'kv.get': 1 });
        api.resetCalls();
        expect(api.callCounts()).toEqual({});
    });

    it('can carry a call out and lose its answer: the client retries a charge with the same idempotency key, charged once', async () => {
        const client = new ApifyClient({ baseUrl: api.url, token: user.token, minDelayBetweenRetriesMillis: 1 });
        const run = api.startRun({ user, eventPrices: { 'pin-created': 1 } });
        api.injectFault({ match: { kind: 'run.charge' }, afterCommit: true, status: 502 });
        await client.run(run.id).charge({ eventName: 'pin-created', count: 1 });
        expect(api.calls.map((recorded) => [recorded.kind, recorded.status])).toEqual([
            ['run.charge', 502],
            ['run.charge', 201],
        ]);
        expect(api.charges(run.id).map((charge) => charge.chargedCount)).toEqual([1]);
    });

    it('holds each answer for the latency it was given, through the injected sleep', async () => {
        api.setLatency(40);
        const before = slept.length;
        await openStore('slow');
        await call('GET', '/key-value-stores/tester~slow');
        expect(slept.slice(before)).toEqual([40, 40]);
    });

    it('answers what it does not serve with 404 page-not-found (or 405), counted as unknown', async () => {
        expect(ERROR_RESPONSE.parse((await call('GET', '/acts')).body).error.type).toBe('page-not-found');
        expect((await call('PATCH', '/datasets/x/items')).status).toBe(405);
        expect(api.callCounts()).toEqual({ unknown: 2 });
    });
});

describe('the Apify API client and the SDK against it', () => {
    it('work with apify-client: stores, compressed records, paginated keys, datasets, charges (with a retried 5xx)', async () => {
        const client = new ApifyClient({ baseUrl: api.url, token: user.token, minDelayBetweenRetriesMillis: 1 });
        const store = await client.keyValueStores().getOrCreate('client-store');
        expect(await client.keyValueStores().getOrCreate('client-store')).toMatchObject({ id: store.id, name: 'client-store' });
        const storeClient = client.keyValueStore(store.id);
        const big = { text: 'y'.repeat(10_000) };
        await storeClient.setRecord({ key: 'big', value: big });
        await storeClient.setRecord({ key: 'page.html', value: '<b>x</b>', contentType: 'text/html' });
        expect((await storeClient.getRecord('big'))?.value).toEqual(big);
        expect(await storeClient.getRecord('page.html')).toMatchObject({ value: '<b>x</b>', contentType: 'text/html' });
        expect(await storeClient.getRecord('missing')).toBeUndefined();
        expect(await storeClient.recordExists('big')).toBe(true);
        expect(await storeClient.recordExists('missing')).toBe(false);
        const target = api.state.stores.get(store.id)!;
        for (let n = 0; n < 2100; n += 1)
            api.state.putRecord(target, `k-${String(n).padStart(5, '0')}`, { value: Buffer.from('1'), contentType: 'application/json' });
        const listed: string[] = [];
        for await (const item of storeClient.listKeys({ prefix: 'k-' })) listed.push(item.key);
        expect(listed).toHaveLength(2100);
        expect(listed).toEqual([...listed].sort());

        const dataset = await client.datasets().getOrCreate('client-dataset');
        api.injectFault({ match: { kind: 'dataset.push' } });
        await client.dataset(dataset.id).pushItems([{ a: 1 }, { a: 2 }, { a: 3 }]);
        expect(api.datasetItems(dataset.id)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
        const listedItems = await client.dataset(dataset.id).listItems({ offset: 1, limit: 1 });
        expect(listedItems).toMatchObject({ items: [{ a: 2 }], total: 3, offset: 1, count: 1, limit: 1 });

        const run = api.startRun({ user, eventPrices: { 'item-fetched': 0.1 } });
        api.injectFault({ match: { kind: 'run.charge' } });
        await client.run(run.id).charge({ eventName: 'item-fetched', count: 3 });
        await client.run(run.id).charge({ eventName: 'item-fetched', count: 2, idempotencyKey: 'same' });
        await client.run(run.id).charge({ eventName: 'item-fetched', count: 2, idempotencyKey: 'same' });
        expect((await client.run(run.id).get())?.chargedEventCounts).toEqual({ 'item-fetched': 5 });
        expect(api.callCounts().unknown).toBeUndefined();
    });

    it('work with the SDK in a process running as a platform run: named store, forEachKey past 1,000 keys, pushData with an event, charge', async () => {
        const run = api.startRun({
            user,
            input: { storeName: 'sdk-store', prefix: 'p-', items: [1, 2, 3], eventName: 'item-fetched', secret: 'pina_very_secret' },
            inputSchema: { properties: { secret: { type: 'string', editor: 'textfield', isSecret: true } } },
            eventPrices: { 'item-fetched': 0.5 },
            maxTotalChargeUsd: 10,
        });
        const seeded = api.state.getOrCreateStore(user.id, 'sdk-store').store;
        const keys = Array.from({ length: 1500 }, (_, n) => `p-${String(n).padStart(4, '0')}`);
        for (const key of keys) api.state.putRecord(seeded, key, { value: Buffer.from('true'), contentType: 'application/json' });

        const { exitCode, output } = await runProbe(api.runEnv(run.id));
        expect(exitCode, output).toBe(0);
        const report = JSON.parse(/SDK_PROBE (.*)/.exec(output)?.[1] ?? 'null') as Record<string, unknown>;
        expect(report.keys).toEqual(keys);
        // Stored encrypted, as the platform stores secret input fields; the SDK decrypted it with the run's key.
        expect(api.record(api.state.stores.get(run.defaultKeyValueStoreId), 'INPUT')).toMatchObject({
            secret: expect.stringMatching(/^ENCRYPTED_VALUE:/),
        });
        expect(report.secret).toBe('pina_very_secret');
        expect(report).toMatchObject({
            json: { hello: 'world' },
            html: '<h1>Report</h1>',
            bytes: [0, 1, 2, 254, 255],
            doomed: null,
            // (The SDK's chargedCount for a push adds its own synthetic default-dataset event: not what was billed.)
            pushed: { eventChargeLimitReached: false },
            charged: { chargedCount: 1 },
            page: [{ n: 2 }, { n: 3 }],
            info: { id: run.defaultDatasetId, itemCount: 3 },
        });
        expect(api.datasetItems(run.defaultDatasetId)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(api.charges(run.id).map((charge) => [charge.eventName, charge.chargedCount])).toEqual([
            ['item-fetched', 3],
            ['item-fetched', 1],
        ]);
        expect(api.charges(run.id).every((charge) => typeof charge.idempotencyKey === 'string')).toBe(true);
        expect(api.statusMessages(run.id).at(-1)).toBe('Probe done.');
        expect(api.records(seeded)['page.html']).toBe('<h1>Report</h1>');
        expect(api.records(seeded).doomed).toBeUndefined();
        // The JSON record was over 1 KB: the SDK sent it compressed.
        expect(
            api.calls.filter((recorded) => recorded.kind === 'kv.put' && recorded.contentEncoding).map((recorded) => recorded.contentEncoding),
        ).toEqual(['br']);
        expect(api.calls.some((recorded) => recorded.kind === 'unknown')).toBe(false);
    });
});

const PROBE = fileURLToPath(new URL('./sdk-probe.mjs', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runProbe(env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [PROBE], {
            cwd: PROJECT_ROOT,
            env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', APIFY_LOG_LEVEL: 'WARNING', ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (exitCode) => resolve({ exitCode, output }));
    });
}
