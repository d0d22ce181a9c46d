import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';

import { beforeEach, describe, expect, it } from 'vitest';

import { type ListPage, PinterestClient, type RetryNotice, type SkipNotice } from '../../src/pinterest/client.js';
import { ALL_SCOPES } from '../e2e/fixture.js';
import { useAccount } from '../e2e/use-account.js';
import { failureOf } from './support.js';

const FAST_RETRIES = { baseDelayMs: 1, maxDelayMs: 5 };

const account = useAccount({ username: 'client', pins: 520 });

beforeEach(() => {
    account.emulator.clearFaults();
    account.emulator.resetRequests();
});

const client = (overrides: Partial<ConstructorParameters<typeof PinterestClient>[0]> = {}) =>
    new PinterestClient({
        baseUrl: account.emulator.baseUrl,
        tokens: { getAccessToken: async () => account.token },
        retry: FAST_RETRIES,
        ...overrides,
    });

const newPin = () => ({
    board_id: account.boardId,
    title: 'Client pin',
    media_source: { source_type: 'image_url' as const, url: 'https://example.com/p.jpg' },
});

async function collect<T>(pages: AsyncIterable<ListPage<T>>): Promise<T[][]> {
    const all: T[][] = [];
    for await (const page of pages) all.push(page.items);
    return all;
}

describe('pagination', () => {
    it('yields pages and asks for no more than still wanted', async () => {
        const api = client();
        const pages = await collect(api.listBoardPins(account.boardId, { maxItems: 510 }));
        expect(pages.map((page) => page.length)).toEqual([250, 250, 10]);
        expect(api.requestCount).toBe(3);
        expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).map((request) => request.query.page_size)).toEqual([
            '250',
            '250',
            '10',
        ]);
    });

    it('continues from a bookmark, as a restarted run does', async () => {
        const api = client();
        const first = await api.listBoardPins(account.boardId, { maxItems: 250 }).next();
        const { nextBookmark, items } = first.value as ListPage<{ id: string }>;
        expect(nextBookmark).toEqual(expect.any(String));
        const rest = (await collect(client().listBoardPins(account.boardId, { maxItems: 1000, bookmark: String(nextBookmark) }))).flat();
        expect(rest).toHaveLength(270);
        const ids = new Set([...items, ...rest].map((pin) => pin.id));
        expect(ids.size).toBe(520);
    });

    it('makes no request when nothing is wanted', async () => {
        const api = client();
        expect(await collect(api.listPins({ maxItems: 0 }))).toEqual([]);
        expect(api.requestCount).toBe(0);
    });

    it('stops requesting when the consumer stops', async () => {
        const api = client();
        for await (const page of api.listBoardPins(account.boardId, { maxItems: 520 })) {
            expect(page.items).toHaveLength(250);
            break;
        }
        expect(api.requestCount).toBe(1);
    });
});

describe('retries', () => {
    it('gives up on a persistent 5xx after the retry limit, reporting attempts and request id', async () => {
        account.emulator.injectFault({ kind: 'server-error', status: 503, match: { path: '/v5/boards' }, times: 100 });
        const notices: RetryNotice[] = [];
        const error = await failureOf(collect(client({ onRetry: (notice) => notices.push(notice) }).listBoards({ maxItems: 10 })));
        expect(error.kind).toBe('server-error');
        expect(error.status).toBe(503);
        expect(error.message).toMatch(/^Pinterest answered with a server error \(HTTP 503\) after 6 attempts/);
        expect(error.message).toMatch(/Pinterest request id: \w+/);
        expect(notices.map((notice) => notice.retry)).toEqual([1, 2, 3, 4, 5]);
        expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(6);
    });

    it('fails at once, with the reset time, when a 429 resets later than it is worth waiting', async () => {
        account.emulator.injectFault({ kind: 'rate-limit', match: { path: '/v5/boards' }, resetSeconds: 3600 });
        const error = await failureOf(collect(client().listBoards({ maxItems: 10 })));
        expect(error.kind).toBe('rate-limited');
        expect(error.message).toMatch(/rate limit for org_read requests was reached: it resets in about 60 min/);
        expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
    });

    it('waits for the reset before the next request once the quota is known to be spent', async () => {
        let now = 1_000_000;
        const api = client({ now: () => now });
        await collect(api.listBoards({ maxItems: 1 }));
        api.rateLimits.record('org_read', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '7200' });
        const error = await failureOf(collect(api.listBoards({ maxItems: 1 })));
        expect(error.kind).toBe('rate-limited');
        expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
        now += 7_200_000;
        await collect(api.listBoards({ maxItems: 1 }));
        expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(2);
    });

    it('retries a POST whose connection was refused: it never reached Pinterest', async () => {
        const closedPort = await new Promise<number>((resolve) => {
            const server = createServer().listen(0, '127.0.0.1', () => {
                const { port } = server.address() as { port: number };
                server.close(() => resolve(port));
            });
        });
        const notices: RetryNotice[] = [];
        const api = new PinterestClient({
            baseUrl: `http://127.0.0.1:${closedPort}/v5`,
            tokens: { getAccessToken: async () => account.token },
            retry: FAST_RETRIES,
            onRetry: (notice) => notices.push(notice),
        });
        const error = await failureOf(api.createPin(newPin()));
        expect(error.kind).toBe('network');
        expect(error.networkCode).toBe('ECONNREFUSED');
        expect(error.message).toMatch(/^Could not reach the Pinterest API \(ECONNREFUSED\) after 6 attempts/);
        expect(notices).toHaveLength(5);
    });
});

describe('writes are never repeated when their outcome is unknown', () => {
    it('a POST that times out after reaching Pinterest is reported, not retried', async () => {
        account.emulator.injectFault({ kind: 'slow', delayMs: 400, match: { method: 'POST', path: '/v5/pins' } });
        const before = account.emulator.state.listPinsOfBoard(account.boardId).length;
        const error = await failureOf(client({ timeoutMs: 100 }).createPin(newPin()));
        expect(error.kind).toBe('outcome-unknown');
        expect(error.outcomeUnknown).toBe(true);
        expect(error.networkCode).toBe('ETIMEDOUT');
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(account.emulator.state.listPinsOfBoard(account.boardId)).toHaveLength(before + 1);
    });

    it('a GET that times out is simply retried', async () => {
        account.emulator.injectFault({ kind: 'slow', delayMs: 400, match: { method: 'GET', path: '/v5/boards' } });
        const pages = await collect(client({ timeoutMs: 100 }).listBoards({ maxItems: 5 }));
        expect(pages).toHaveLength(1);
        expect(account.emulator.requestsTo('GET', '/v5/boards')).toHaveLength(2);
    });

    it('a POST answered 502 is outcome-unknown too', async () => {
        account.emulator.injectFault({ kind: 'server-error', status: 502, match: { method: 'POST', path: '/v5/pins' } });
        const error = await failureOf(client().createPin(newPin()));
        expect(error.kind).toBe('outcome-unknown');
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
    });
});

describe('token refresh', () => {
    it('retries a rejected request once with the refreshed token', async () => {
        const app = account.emulator.state.createApp({});
        const user = account.emulator.state.createUser({ username: 'refresher' });
        const first = account.emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ALL_SCOPES });
        const second = account.emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ALL_SCOPES });
        account.emulator.state.expireAccessToken(first.accessToken);
        let current = first.accessToken;
        let refreshes = 0;
        const api = client({
            tokens: {
                getAccessToken: async () => current,
                refreshAccessToken: async () => {
                    refreshes += 1;
                    current = second.accessToken;
                    return current;
                },
            },
        });
        const { account: refresher } = await api.getUserAccount();
        expect(refresher.username).toBe('refresher');
        expect(refreshes).toBe(1);
        expect(account.emulator.requestsTo('GET', '/v5/user_account').map((request) => request.status)).toEqual([401, 200]);
    });

    it('does not loop when the refreshed token is rejected as well', async () => {
        let refreshes = 0;
        const api = client({
            tokens: {
                getAccessToken: async () => 'pina_never_valid',
                refreshAccessToken: async () => {
                    refreshes += 1;
                    return 'pina_never_valid';
                },
            },
        });
        const error = await failureOf(api.getUserAccount());
        expect(error.kind).toBe('invalid-token');
        expect(refreshes).toBe(1);
    });
});

/**
 * Answers Pinterest could give that the emulator has no reason to produce: one canned response for every request.
 * Only for classifying such answers; everything else runs against the emulator.
 */
async function withCannedAnswer(status: number, body: string, test: (baseUrl: string) => Promise<void>): Promise<void> {
    const server: Server = createHttpServer((_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json', 'x-pinterest-rid': 'rid-canned' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
        await test(`http://127.0.0.1:${(server.address() as { port: number }).port}/v5`);
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
}

describe('answers outside the happy path', () => {
    it('a 403 other than code 29 is about permissions, naming the scopes', async () => {
        await withCannedAnswer(403, JSON.stringify({ code: 403, message: 'Not authorized to access the user account.' }), async (baseUrl) => {
            const error = await failureOf(client({ baseUrl }).getUserAccount());
            expect(error.kind).toBe('missing-scope');
            expect(error.message).toMatch(/authorise your app again with the scopes user_accounts:read.*Pinterest request id: rid-canned/);
        });
    });

    it('a body that is not what the API describes is reported, not trusted', async () => {
        await withCannedAnswer(200, JSON.stringify({ items: { name: 'not a list' }, bookmark: null }), async (baseUrl) => {
            const error = await failureOf(collect(client({ baseUrl }).listBoards({ maxItems: 5 })));
            expect(error.kind).toBe('unexpected-response');
            expect(error.message).toMatch(/^Pinterest answered boards\/list with data the Actor does not understand \(HTTP 200\)/);
        });
    });

    it('a list entry without what the Actor needs is left out of its page, counted and told, not the whole page', async () => {
        const body = { items: [{ name: 'a board without an id' }, { id: '42', name: 'Kept' }, 'not even an object'], bookmark: null };
        await withCannedAnswer(200, JSON.stringify(body), async (baseUrl) => {
            const notices: SkipNotice[] = [];
            const pages: ListPage<{ id: string }>[] = [];
            for await (const page of client({ baseUrl, onSkipped: (notice) => notices.push(notice) }).listBoards({ maxItems: 5 })) pages.push(page);
            expect(pages).toEqual([{ items: [expect.objectContaining({ id: '42', name: 'Kept' })], nextBookmark: null, skipped: 2 }]);
            expect(notices.map((notice) => notice.message)).toEqual([
                "Pinterest's answer to boards/list held 2 boards without an id or a name, which the Actor cannot use; they were left out.",
            ]);
        });
    });

    it("a 400 passes Pinterest's own explanation on", async () => {
        await withCannedAnswer(
            400,
            JSON.stringify({ code: 1, message: 'Invalid parameters.', message_detail: 'link is not a valid URL' }),
            async (baseUrl) => {
                const error = await failureOf(client({ baseUrl }).createPin(newPin()));
                expect(error.kind).toBe('bad-request');
                expect(error.message).toContain('Pinterest said: "Invalid parameters. link is not a valid URL"');
            },
        );
    });
});
