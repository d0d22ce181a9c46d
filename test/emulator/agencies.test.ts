/**
 * What agencies need of the emulator: several users with their own tokens, the consent page and the
 * authorization-code exchange, and Business Access (`ad_account_id`) with roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator, validateResponse } from './index.js';
import { DEMO_SCOPES } from './seed.js';

const SCOPES = [...DEMO_SCOPES, 'user_accounts:read'];
let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
const now = () => clock;
let emulator: PinterestEmulator;

beforeAll(async () => {
    emulator = await startEmulator({ now });
});
afterAll(async () => emulator.close());

interface Answer {
    status: number;
    body: Record<string, unknown>;
}

async function call(
    method: string,
    path: string,
    options: { token?: string; query?: Record<string, string>; json?: unknown; form?: Record<string, string>; basic?: [string, string] } = {},
): Promise<Answer> {
    clock += 25;
    const url = new URL(`${emulator.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.basic) headers.Authorization = `Basic ${Buffer.from(options.basic.join(':')).toString('base64')}`;
    let body: string | undefined;
    if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['Content-Type'] = 'application/json';
    }
    if (options.form) {
        body = new URLSearchParams(options.form).toString();
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const operationId = emulator.requests.at(-1)?.operationId;
    if (operationId) expect(validateResponse(operationId, response.status, parsed)).toEqual([]);
    return { status: response.status, body: parsed };
}

/** Opens the consent page as the user would and returns where Pinterest sends the browser. */
async function consent(query: Record<string, string>): Promise<{ status: number; location?: URL; body?: unknown }> {
    const url = new URL(`${emulator.origin}/oauth/`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, ...(location ? { location: new URL(location) } : { body: await response.json() }) };
}

describe('several users, each with their own tokens', () => {
    it('answers each token with its own account and boards', async () => {
        const app = emulator.state.createApp({});
        const users = ['agency_one', 'client_one'].map((username) => emulator.state.createUser({ username }));
        const tokens = users.map((user) => emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: SCOPES }).accessToken);
        users.forEach((user, index) => emulator.state.createBoard(user.id, { name: `Board of ${index}` }));
        const accounts = await Promise.all(tokens.map((token) => call('GET', '/user_account', { token })));
        expect(accounts.map((answer) => answer.body.username)).toEqual(['agency_one', 'client_one']);
        const boards = await Promise.all(tokens.map((token) => call('GET', '/boards', { token })));
        expect(boards.map((answer) => (answer.body.items as Array<{ name: string }>).map((board) => board.name))).toEqual([
            ['Board of 0'],
            ['Board of 1'],
        ]);
    });
});

describe('the consent page and the authorization-code exchange', () => {
    const redirectUri = 'https://agency.example.com/pinterest/connected';

    it('redirects with a code and the state, and the code is exchanged once, with the app secret and the same redirect_uri', async () => {
        const app = emulator.state.createApp({ redirectUris: [redirectUri] });
        emulator.state.createUser({ username: 'consenting_client' });
        const page = await consent({
            client_id: app.appId,
            redirect_uri: redirectUri,
            response_type: 'code',
            scope: 'boards:read,pins:read,user_accounts:read',
            state: 'label-state',
            username: 'consenting_client',
        });
        expect(page.status).toBe(302);
        expect(`${page.location?.origin}${page.location?.pathname}`).toBe(redirectUri);
        expect(page.location?.searchParams.get('state')).toBe('label-state');
        const code = page.location?.searchParams.get('code') ?? '';
        expect(code).toMatch(/^[0-9a-f]{40}$/);

        const exchange = (form: Record<string, string>, secret = app.appSecret) =>
            call('POST', '/oauth/token', { basic: [app.appId, secret], form: { grant_type: 'authorization_code', ...form } });
        const wrongSecret = await exchange({ code, redirect_uri: redirectUri }, 'not-the-secret');
        expect(wrongSecret).toEqual({ status: 401, body: { code: 2, message: 'Authentication failed.' } });
        const otherRedirect = await exchange({ code, redirect_uri: 'https://agency.example.com/other' });
        expect(otherRedirect.status).toBe(400);
        expect(otherRedirect.body.message).toBe('Invalid authorization code: redirect_uri mismatch.');

        const granted = await exchange({ code, redirect_uri: redirectUri });
        expect(granted.status).toBe(200);
        expect(granted.body).toMatchObject({ response_type: 'authorization_code', scope: 'boards:read pins:read user_accounts:read' });
        const me = await call('GET', '/user_account', { token: String(granted.body.access_token) });
        expect(me.body.username).toBe('consenting_client');

        const again = await exchange({ code, redirect_uri: redirectUri });
        expect(again.body.message).toBe('Invalid authorization code: already used.');
    });

    it('lets a code expire after ten minutes', async () => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username: 'slow_client' });
        const code = emulator.state.mintAuthorizationCode({ appId: app.appId, userId: user.id, scopes: ['pins:read'], redirectUri });
        clock += 10 * 60_000;
        const late = await call('POST', '/oauth/token', {
            basic: [app.appId, app.appSecret],
            form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
        });
        expect(late.body.message).toBe('Invalid authorization code: expired.');
    });

    it('sends a refusal back as error=access_denied, and refuses what the real page would not ask about', async () => {
        const app = emulator.state.createApp({ redirectUris: [redirectUri] });
        emulator.state.createUser({ username: 'refusing_client' });
        const base = { client_id: app.appId, redirect_uri: redirectUri, response_type: 'code', scope: 'pins:read', username: 'refusing_client' };
        const denied = await consent({ ...base, state: 's', decision: 'deny' });
        expect(denied.location?.searchParams.get('error')).toBe('access_denied');
        expect(denied.location?.searchParams.has('code')).toBe(false);
        expect((await consent({ ...base, redirect_uri: 'https://elsewhere.example.com/' })).body).toMatchObject({
            message: `redirect_uri 'https://elsewhere.example.com/' is not registered for app ${app.appId}.`,
        });
        expect((await consent({ ...base, client_id: '42' })).status).toBe(400);
        expect((await consent({ ...base, scope: 'pins:fly' })).status).toBe(400);
        expect((await consent({ ...base, username: 'nobody_here' })).status).toBe(400);
    });
});

describe('Business Access: ad_account_id with roles', () => {
    let client: { id: string };
    let adAccountId: string;
    let clientBoard: string;
    const member = (username: string, permissions: Parameters<PinterestEmulator['state']['grantBusinessAccess']>[2]) => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username });
        if (permissions.length > 0) emulator.state.grantBusinessAccess(adAccountId, user.id, permissions);
        return { user, token: emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: SCOPES }).accessToken };
    };
    const pin = (boardId: string) => ({
        board_id: boardId,
        title: 'For the client',
        media_source: { source_type: 'image_url', url: 'https://example.com/a.jpg' },
    });

    beforeAll(() => {
        client = emulator.state.createUser({ username: 'the_client_shop' });
        adAccountId = emulator.state.createAdAccount(client.id, { name: 'Client shop ads' }).id;
        clientBoard = emulator.state.createBoard(client.id, { name: 'Client products' }).id;
    });

    it('lets an Admin act on the owner account: its account, its boards, a pin on its board', async () => {
        const { token, user } = member('agency_admin', ['ADMIN']);
        const query = { ad_account_id: adAccountId };
        expect((await call('GET', '/user_account', { token, query })).body.username).toBe('the_client_shop');
        expect((await call('GET', '/user_account', { token })).body.username).toBe('agency_admin');
        const boards = await call('GET', '/boards', { token, query });
        expect((boards.body.items as Array<{ id: string }>).map((board) => board.id)).toEqual([clientBoard]);
        const created = await call('POST', '/pins', { token, query, json: pin(clientBoard) });
        expect(created.status).toBe(201);
        expect(emulator.state.getPin(String(created.body.id))?.board_owner.username).toBe('the_client_shop');
        expect(emulator.state.boardsOf(user.id)).toEqual([]);
    });

    it('lets an Analyst read and see analytics, and refuses it pins with 403 code 29', async () => {
        const { token } = member('agency_analyst', ['ANALYST']);
        const query = { ad_account_id: adAccountId };
        expect((await call('GET', '/boards', { token, query })).status).toBe(200);
        const analytics = await call('GET', '/user_account/analytics', {
            token,
            query: { ...query, start_date: '2026-11-01', end_date: '2026-11-30' },
        });
        expect(analytics.status).toBe(200);
        const refused = await call('POST', '/pins', { token, query, json: pin(clientBoard) });
        expect(refused).toEqual({ status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } });
        expect(emulator.state.listPinsOfBoard(clientBoard)).toHaveLength(1);
    });

    it('refuses a member without reporting access, and a stranger, with the answers the spec gives', async () => {
        for (const { token } of [member('agency_finance', ['FINANCE_MANAGER']), member('a_stranger', [])]) {
            const query = { ad_account_id: adAccountId };
            expect(await call('GET', '/user_account', { token, query })).toEqual({
                status: 403,
                body: { code: 403, message: 'Not authorized to access the user account.' },
            });
            const analytics = await call('GET', '/user_account/analytics', {
                token,
                query: { ...query, start_date: '2026-11-01', end_date: '2026-11-30' },
            });
            expect(analytics).toEqual({ status: 403, body: { code: 403, message: 'Not authorized to access the user account analytics.' } });
            expect((await call('GET', '/boards', { token, query })).body).toEqual({
                code: 29,
                message: 'You are not permitted to access that resource.',
            });
        }
        const { token } = member('agency_admin_two', ['ADMIN']);
        expect((await call('GET', '/boards', { token, query: { ad_account_id: '549000000000000999' } })).status).toBe(403);
    });

    it("tells each caller its own roles on the ad account (GET /ad_accounts/{id}, ads:read), and no one else's", async () => {
        const { token } = member('agency_reader', ['ANALYST', 'AUDIENCE_MANAGER']);
        const app = emulator.state.createApp({});
        const withAds = emulator.state.issueTokens({
            userId: emulator.state.findUserByUsername('agency_reader')!.id,
            appId: app.appId,
            scopes: ['ads:read'],
        });
        const mine = await call('GET', `/ad_accounts/${adAccountId}`, { token: withAds.accessToken });
        expect(mine).toEqual({
            status: 200,
            body: {
                id: adAccountId,
                name: 'Client shop ads',
                owner: { id: client.id, username: 'the_client_shop' },
                permissions: ['ANALYST', 'AUDIENCE_MANAGER'],
            },
        });
        expect((await call('GET', `/ad_accounts/${adAccountId}`, { token })).body.code).toBe(3);
        const stranger = member('ads_stranger', []);
        const strangerAds = emulator.state.issueTokens({ userId: stranger.user.id, appId: app.appId, scopes: ['ads:read'] }).accessToken;
        expect((await call('GET', `/ad_accounts/${adAccountId}`, { token: strangerAds })).status).toBe(403);
        expect((await call('GET', '/ad_accounts/549000000000000999', { token: strangerAds })).status).toBe(404);
    });

    it('still checks scopes first: Business Access does not widen what the token may do', async () => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username: 'agency_narrow' });
        emulator.state.grantBusinessAccess(adAccountId, user.id, ['ADMIN']);
        const token = emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ['boards:read'] }).accessToken;
        const refused = await call('POST', '/pins', { token, query: { ad_account_id: adAccountId }, json: pin(clientBoard) });
        expect(refused.status).toBe(401);
        expect(refused.body.code).toBe(3);
    });
});
