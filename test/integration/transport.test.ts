import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CredentialManager } from '../../src/credentials/manager.js';
import { credentialRecordStore } from '../../src/credentials/store.js';
import { PinterestClient, type PinterestClientOptions, type RetryNotice } from '../../src/pinterest/client.js';
import { redactSecrets } from '../../src/pinterest/redact.js';
import type { RateLimitWaitNotice } from '../../src/pinterest/transport.js';
import { failureOf, recordingClient } from './support.js';
import { type FaultProxy, type Recorder, startFaultProxy, startRecorder } from '../e2e/fault-server.js';
import { useAccount } from '../e2e/use-account.js';

const account = useAccount({ username: 'hardened' });
let proxy: FaultProxy;
let recorder: Recorder;

beforeAll(async () => {
    proxy = await startFaultProxy(account.emulator.baseUrl);
    recorder = await startRecorder();
});

afterAll(async () => {
    await proxy.close();
    await recorder.close();
});

beforeEach(() => {
    proxy.clearRules();
    proxy.faulted.splice(0);
    recorder.requests.splice(0);
    account.emulator.resetRequests();
});

const client = (overrides: Partial<PinterestClientOptions> = {}) =>
    recordingClient({ baseUrl: proxy.baseUrl, tokens: { getAccessToken: async () => account.token }, ...overrides });

describe('credentials never leave the API origin', () => {
    it('does not follow a 302 from /user_account: the target receives nothing and the error names only its host', async () => {
        proxy.addRule({ path: '/v5/user_account', answer: { kind: 'redirect', status: 302, location: `${recorder.url}/steal?token=here` } });
        const error = await failureOf(client().api.getUserAccount());
        expect(error.kind).toBe('redirected');
        expect(error.message).toBe(
            `Pinterest answered user_account/get with a redirect (HTTP 302) to ${recorder.host}, which the API never does, so the Actor did not follow it or send your credentials there: check PINTEREST_API_BASE_URL and any proxy in between.`,
        );
        expect(error.message).not.toContain('steal');
        expect(recorder.requests).toEqual([]);
    });

    it('does not follow a 307 from /oauth/token: neither the Basic header nor the refresh token goes anywhere', async () => {
        proxy.addRule({ path: '/v5/oauth/token', answer: { kind: 'redirect', status: 307, location: `${recorder.url}/oauth/token` } });
        const error = await failureOf(client().api.refreshAccessToken(account.app, 'pinr_refresh_token_value'));
        expect(error.kind).toBe('redirected');
        expect(error.message).toContain(`to ${recorder.host}`);
        expect(recorder.requests).toEqual([]);
        expect(proxy.faulted).toHaveLength(1);
    });

    it('does not follow a redirect in the middle of a list either', async () => {
        proxy.addRule({ path: '/v5/boards', answer: { kind: 'redirect', status: 301, location: `${recorder.url}/v5/boards` } });
        const error = await failureOf(
            (async () => {
                for await (const page of client().api.listBoards({ maxItems: 5 })) void page;
            })(),
        );
        expect(error.kind).toBe('redirected');
        expect(recorder.requests).toEqual([]);
    });
});

describe('secrets in every form are redacted', () => {
    it('masks the base64 value of the Basic header even when echoed without its scheme', async () => {
        const echo: Server = createServer((request, response) => {
            const value = String(request.headers.authorization ?? '').replace(/^Basic /, '');
            response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 1, message: `bad client ${value}` }));
        });
        await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
        const encoded = Buffer.from(`${account.app.appId}:${account.app.appSecret}`).toString('base64');
        try {
            const baseUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}/v5`;
            const error = await failureOf(client({ baseUrl }).api.refreshAccessToken(account.app, 'pinr_whatever_refresh'));
            expect(error.message).toContain('bad client [redacted]');
            expect(error.message).not.toContain(encoded);
            expect(redactSecrets(`echo ${encoded}`)).toBe('echo [redacted]');
        } finally {
            await new Promise((resolve) => echo.close(resolve));
        }
    });
});

describe('Retry-After is honoured up to the rate-limit wait limit', () => {
    it('waits 45 s on a 429 with Retry-After: 45 and carries on', async () => {
        proxy.addRule({ path: '/v5/user_account', times: 1, answer: { kind: 'retry-after', status: 429, retryAfter: '45' } });
        const notices: RetryNotice[] = [];
        const { api, waits } = client({ onRetry: (notice) => notices.push(notice) });
        const { account: me } = await api.getUserAccount();
        expect(me.username).toBe('hardened');
        expect(waits).toEqual([45_000]);
        expect(notices).toEqual([expect.objectContaining({ retry: 1, delayMs: 45_000, reason: 'rate limited (429)' })]);
    });

    it('waits 5 s, not the short backoff, on a 429 with Retry-After: 5', async () => {
        proxy.addRule({ path: '/v5/user_account', times: 1, answer: { kind: 'retry-after', status: 429, retryAfter: '5' } });
        const { api, waits } = client();
        await api.getUserAccount();
        expect(waits).toEqual([5_000]);
    });

    it('reads Retry-After given as an HTTP date', async () => {
        const now = Date.parse('2030-01-01T00:00:00Z');
        proxy.addRule({
            path: '/v5/user_account',
            times: 1,
            answer: { kind: 'retry-after', status: 429, retryAfter: 'Tue, 01 Jan 2030 00:00:20 GMT' },
        });
        const { api, waits } = client({ now: () => now });
        await api.getUserAccount();
        expect(waits).toEqual([20_000]);
    });

    it('retries a 503 after its Retry-After, and fails at once with the time when that is too long to wait', async () => {
        proxy.addRule({ path: '/v5/user_account', times: 1, answer: { kind: 'retry-after', status: 503, retryAfter: '30' } });
        const first = client();
        await first.api.getUserAccount();
        expect(first.waits).toEqual([30_000]);

        proxy.addRule({ path: '/v5/user_account', times: 1, answer: { kind: 'retry-after', status: 503, retryAfter: '120' } });
        const second = client();
        const error = await failureOf(second.api.getUserAccount());
        expect(error.kind).toBe('server-error');
        expect(error.message).toBe(
            "Pinterest answered with a server error (HTTP 503): this is on Pinterest's side, try again in about 2 min, as Pinterest asked.",
        );
        expect(second.waits).toEqual([]);
        expect(proxy.faulted).toHaveLength(2);
    });

    it('tells about a wait for a spent quota before sending anything', async () => {
        let now = 1_000_000;
        const notices: RateLimitWaitNotice[] = [];
        const { api, waits } = client({
            now: () => now,
            onRateLimitWait: (notice) => notices.push(notice),
            sleep: async (ms) => {
                waits.push(ms);
                now += ms;
            },
        });
        api.rateLimits.record('org_read', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12' });
        await api.getUserAccount();
        expect(waits).toEqual([12_000]);
        expect(notices).toEqual([expect.objectContaining({ delayMs: 12_000, reason: 'the org_read quota is spent until it resets' })]);
    });
});

describe('errors say what happened', () => {
    it('a 200 with an HTML page is not the API, and not a network problem', async () => {
        proxy.addRule({ path: '/v5/user_account', answer: { kind: 'html' } });
        const error = await failureOf(client().api.getUserAccount());
        expect(error.kind).toBe('not-json');
        expect(error.message).toBe(
            "Pinterest answered user_account/get with something that is not the API's JSON (HTTP 200, text/html): a proxy or captive portal may be in the way, or PINTEREST_API_BASE_URL points somewhere else; try again later.",
        );
    });

    it('a token that cannot be put in a header is said to be so, not a network problem', async () => {
        const error = await failureOf(client({ tokens: { getAccessToken: async () => 'pina_abc\r\nX-Injected: 1' } }).api.getUserAccount());
        expect(error.kind).toBe('unsendable-credentials');
        expect(account.emulator.requests).toEqual([]);
    });

    it('passes a token source failure on as it is, instead of calling it a network problem', async () => {
        const damaged = new Error('The stored credentials are damaged.');
        const api = client({ tokens: { getAccessToken: async () => Promise.reject(damaged) } }).api;
        await expect(api.getUserAccount()).rejects.toBe(damaged);
    });
});

async function withCannedAnswer(status: number, body: unknown, test: (baseUrl: string) => Promise<void>): Promise<void> {
    const server: Server = createServer((_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
        await test(`http://127.0.0.1:${(server.address() as { port: number }).port}/v5`);
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
}

describe('answers that carry what matters are kept', () => {
    it('a 201 to POST /pins with an id is a created pin, whatever shape the rest has', async () => {
        const odd = {
            id: '987654321',
            title: 42,
            board_id: { id: 'x' },
            media: 'image',
            pin_metrics: [1, 2],
            created_at: false,
            unknown_new_field: { a: 1 },
        };
        await withCannedAnswer(201, odd, async (baseUrl) => {
            const pin = await client({ baseUrl }).api.createPin({
                board_id: '1',
                title: 't',
                media_source: { source_type: 'image_url', url: 'https://example.com/a.jpg' },
            });
            expect(pin.id).toBe('987654321');
            expect(pin.title).toBeUndefined();
            expect(pin.media).toBeUndefined();
        });
    });

    it('a token answer with the new pair but no scope, expiry or type is returned, not thrown away', async () => {
        await withCannedAnswer(200, { access_token: 'pina_new_access', refresh_token: 'pinr_new_refresh' }, async (baseUrl) => {
            const tokens = await client({ baseUrl }).api.refreshAccessToken(account.app, 'pinr_old_refresh');
            expect(tokens).toMatchObject({ access_token: 'pina_new_access', refresh_token: 'pinr_new_refresh' });
        });
    });
});

describe('a credentials store that cannot be written', () => {
    it('does not stop the request that needed the refresh, and is not called a network problem', async () => {
        const user = account.emulator.state.createUser({ username: 'unsaved' });
        const issued = account.emulator.state.issueTokens({ userId: user.id, appId: account.app.appId, scopes: ['user_accounts:read'] });
        account.emulator.state.expireAccessToken(issued.accessToken);
        let writes = 0;
        const backend = {
            getValue: async () => undefined,
            setValue: async () => {
                writes += 1;
                throw new Error('the store is read-only');
            },
        };
        const oauth = new PinterestClient({ baseUrl: account.emulator.baseUrl });
        const credentials = await CredentialManager.open({
            accessToken: issued.accessToken,
            refresh: {
                app: account.app,
                refreshToken: issued.refreshToken,
                environment: 'production',
                store: credentialRecordStore(backend, 'pinterest-credentials', 'k', { attempts: 3, baseDelayMs: 1, sleep: async () => undefined }),
                refresh: async (appCredentials, refreshToken) => oauth.refreshAccessToken(appCredentials, refreshToken),
            },
        });
        const api = new PinterestClient({ baseUrl: account.emulator.baseUrl, tokens: credentials });
        const { account: me } = await api.getUserAccount();
        expect(me.username).toBe('unsaved');
        expect(writes).toBe(3);
        expect(await credentials.saveUnsaved()).toMatch(
            /^Warning: the refreshed Pinterest tokens could not be saved in key-value store "pinterest-credentials" \(record k\)/,
        );
    });
});
