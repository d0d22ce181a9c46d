import { existsSync, readFileSync } from 'node:fs';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startEmulator, validateResponse } from './index.js';
import type { PinterestEmulator } from './index.js';
import { DEFAULT_SPEC_PATH, extractSubset, SUBSET_OPERATIONS, SUBSET_PATH } from './openapi/extract-subset.js';
import { DEMO_SCOPES, seedDemoAccount } from './seed.js';

const ALL_SCOPES = [...DEMO_SCOPES];
const START = Date.UTC(2025, 5, 2, 12, 0, 0);
let clock = START;
const now = (): number => clock;

interface CallOptions {
    token?: string | null;
    query?: Record<string, string | string[]>;
    json?: unknown;
    form?: Record<string, string>;
    body?: string;
    headers?: Record<string, string>;
    basic?: { appId: string; secret: string };
}

interface CallResult {
    status: number;
    body: Record<string, unknown>;
    headers: Headers;
}

let emulator: PinterestEmulator;

/**
 * Calls the emulator and checks the answer against the spec's response schema for the matched operation.
 * The clock moves 25 ms per call so the per-second rate-limit window never fills up by accident.
 */
async function call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    clock += 25;
    const url = new URL(`${emulator.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
        for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    }
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.basic) headers.Authorization = `Basic ${Buffer.from(`${options.basic.appId}:${options.basic.secret}`).toString('base64')}`;
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['Content-Type'] ??= 'application/json';
    }
    if (options.form) {
        body = new URLSearchParams(options.form).toString();
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const record = emulator.requests[emulator.requests.length - 1];
    if (record?.operationId) {
        expect(validateResponse(record.operationId, response.status, parsed), `${method} ${path} → ${response.status} ${text.slice(0, 300)}`).toEqual(
            [],
        );
    } else {
        expect(parsed).toEqual({ code: expect.any(Number), message: expect.any(String) });
    }
    expect(response.headers.get('x-pinterest-rid')).toMatch(/^\d{10,}$/);
    expect(response.headers.get('x-ratelimit-limit')).toMatch(/^\d+(, \d+;w=\d+)+$/);
    expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(response.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    return { status: response.status, body: parsed, headers: response.headers };
}

interface Account {
    appId: string;
    appSecret: string;
    userId: string;
    token: string;
    refreshToken: string;
}

function account(options: {
    username: string;
    scopes?: string[];
    trial?: boolean;
    environment?: 'production' | 'sandbox';
    accessTokenTtlSec?: number;
    refreshTokenTtlSec?: number;
}): Account {
    const app = emulator.state.createApp({ trial: options.trial ?? false });
    const user = emulator.state.createUser({ username: options.username });
    const tokens = emulator.state.issueTokens({
        userId: user.id,
        appId: app.appId,
        scopes: options.scopes ?? ALL_SCOPES,
        environment: options.environment ?? 'production',
        ...(options.accessTokenTtlSec !== undefined ? { accessTokenTtlSec: options.accessTokenTtlSec } : {}),
        ...(options.refreshTokenTtlSec !== undefined ? { refreshTokenTtlSec: options.refreshTokenTtlSec } : {}),
    });
    return { appId: app.appId, appSecret: app.appSecret, userId: user.id, token: tokens.accessToken, refreshToken: tokens.refreshToken };
}

function items(result: CallResult): Record<string, unknown>[] {
    return result.body.items as Record<string, unknown>[];
}

const imagePin = (boardId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    board_id: boardId,
    title: 'Lemon Ricotta Pancakes',
    description: 'Fluffy pancakes with lemon zest and ricotta.',
    link: 'https://www.example.com/lemon-ricotta-pancakes',
    alt_text: 'A stack of pancakes with berries',
    media_source: { source_type: 'image_url', url: 'https://www.example.com/images/pancakes.jpg' },
    ...extra,
});

let main: Account;
let mainBoard: string;

beforeAll(async () => {
    emulator = await startEmulator({ now });
    main = account({ username: 'janedoe' });
    mainBoard = emulator.state.createBoard(main.userId, { name: 'Summer Recipes', description: 'Fresh dishes' }).id;
    emulator.state.createPins(mainBoard, 30);
});

afterAll(async () => {
    await emulator.close();
});

afterEach(() => {
    emulator.clearFaults();
});

describe('OpenAPI subset', () => {
    const subset = JSON.parse(readFileSync(SUBSET_PATH, 'utf8')) as Record<string, Record<string, unknown>>;

    it('keeps info, marks itself as a subset and holds only the emulated operations', () => {
        expect(subset.info?.version).toBe('5.23.0');
        expect(String(subset.info?.description)).toContain('Subset');
        expect(subset['x-subset']?.operations).toHaveLength(SUBSET_OPERATIONS.length);
        const operations = Object.entries(subset.paths ?? {}).flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m} ${path}`));
        expect(operations.sort()).toEqual(SUBSET_OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
        expect(Object.keys((subset.components?.schemas ?? {}) as object)).toEqual(
            expect.arrayContaining(['Pin', 'Board', 'PinCreate', 'OauthAccessTokenResponseRefresh']),
        );
    });

    it.skipIf(!existsSync(DEFAULT_SPEC_PATH))('is up to date with the full description', () => {
        const full = JSON.parse(readFileSync(DEFAULT_SPEC_PATH, 'utf8')) as Record<string, unknown>;
        expect(JSON.parse(JSON.stringify(extractSubset(full)))).toEqual(subset);
    });

    it('response validation is not vacuous', () => {
        expect(validateResponse('pins/get', 200, { id: 'abc' })).not.toEqual([]);
        expect(validateResponse('pins/get', 200, { id: '1', surprise: true })).not.toEqual([]);
        expect(validateResponse('boards/list', 200, { items: [{ id: '1', name: 'x', privacy: 'HIDDEN' }], bookmark: null })).not.toEqual([]);
        expect(validateResponse('pins/get', 404, { code: 50, message: 'Pin not found.' })).toEqual([]);
    });
});

describe('routing', () => {
    it('answers unknown paths with 404 and unknown methods with 405, Pinterest-style', async () => {
        const missing = await call('GET', '/nope', { token: main.token });
        expect(missing.status).toBe(404);
        const wrongMethod = await call('DELETE', `/boards/${mainBoard}`, { token: main.token });
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.headers.get('allow')).toBe('GET');
    });
});

describe('user account', () => {
    it('returns the account of the token user', async () => {
        const result = await call('GET', '/user_account', { token: main.token });
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({ id: main.userId, username: 'janedoe', account_type: 'BUSINESS', board_count: 1 });
    });
});

describe('pagination', () => {
    let big: Account;
    let bigBoard: string;

    beforeAll(() => {
        big = account({ username: 'bigpinner' });
        bigBoard = emulator.state.createBoard(big.userId, { name: 'Everything' }).id;
        emulator.state.createPins(bigBoard, 10_000);
        const other = emulator.state.createBoard(big.userId, { name: 'More' }).id;
        emulator.state.createPins(other, 500);
    });

    it('walks 10,000 pins of a board with bookmarks, newest first, bookmark null at the end', async () => {
        const seen: string[] = [];
        let bookmark: string | undefined;
        let pages = 0;
        do {
            const result = await call('GET', `/boards/${bigBoard}/pins`, {
                token: big.token,
                query: { page_size: '250', ...(bookmark ? { bookmark } : {}) },
            });
            expect(result.status).toBe(200);
            seen.push(...items(result).map((p) => String(p.id)));
            bookmark = result.body.bookmark === null ? undefined : String(result.body.bookmark);
            pages += 1;
            if (bookmark) expect(items(result)).toHaveLength(250);
        } while (bookmark);
        expect(pages).toBe(40);
        expect(seen).toHaveLength(10_000);
        expect(new Set(seen).size).toBe(10_000);
        expect(seen).toEqual(emulator.state.listPinsOfBoard(bigBoard).map((p) => p.id));
    });

    it('lists all pins of the user across boards with the default page size of 25', async () => {
        const first = await call('GET', '/pins', { token: big.token });
        expect(items(first)).toHaveLength(25);
        expect(typeof first.body.bookmark).toBe('string');
        let total = 25;
        let bookmark = String(first.body.bookmark);
        for (;;) {
            const page = await call('GET', '/pins', { token: big.token, query: { page_size: '250', bookmark } });
            total += items(page).length;
            if (page.body.bookmark === null) break;
            bookmark = String(page.body.bookmark);
        }
        expect(total).toBe(10_500);
    });

    it('keeps bookmarks stable when pins are created between pages', async () => {
        const first = await call('GET', `/boards/${mainBoard}/pins`, { token: main.token, query: { page_size: '10' } });
        const created = await call('POST', '/pins', { token: main.token, json: imagePin(mainBoard) });
        expect(created.status).toBe(201);
        const second = await call('GET', `/boards/${mainBoard}/pins`, {
            token: main.token,
            query: { page_size: '10', bookmark: String(first.body.bookmark) },
        });
        const firstIds = items(first).map((p) => p.id);
        const secondIds = items(second).map((p) => p.id);
        expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
        expect(secondIds).not.toContain(created.body.id);
    });

    it('rejects bookmarks from another list and garbage bookmarks', async () => {
        const boards = await call('GET', '/pins', { token: big.token, query: { page_size: '5' } });
        const foreign = await call('GET', `/boards/${bigBoard}/pins`, { token: big.token, query: { bookmark: String(boards.body.bookmark) } });
        expect(foreign.status).toBe(400);
        expect(foreign.body).toMatchObject({ code: 1, message: expect.stringContaining('bookmark') });
        const garbage = await call('GET', `/boards/${bigBoard}/pins`, { token: big.token, query: { bookmark: 'not-a-bookmark' } });
        expect(garbage.status).toBe(400);
        const empty = await call('GET', `/boards/${bigBoard}/pins`, { token: big.token, query: { bookmark: '' } });
        expect(empty.status).toBe(400);
    });

    it('paginates boards and filters them by privacy', async () => {
        const owner = account({ username: 'boardcollector' });
        for (let i = 0; i < 7; i++) emulator.state.createBoard(owner.userId, { name: `Board ${i}`, privacy: i % 3 === 0 ? 'SECRET' : 'PUBLIC' });
        const page1 = await call('GET', '/boards', { token: owner.token, query: { page_size: '4' } });
        expect(items(page1)).toHaveLength(4);
        const page2 = await call('GET', '/boards', { token: owner.token, query: { page_size: '4', bookmark: String(page1.body.bookmark) } });
        expect(items(page2)).toHaveLength(3);
        expect(page2.body.bookmark).toBeNull();
        expect(items(page1)[0]?.name).toBe('Board 6');
        const secret = await call('GET', '/boards', { token: owner.token, query: { privacy: 'SECRET' } });
        expect(items(secret).map((b) => b.privacy)).toEqual(['SECRET', 'SECRET', 'SECRET']);
        const wrongFilter = await call('GET', '/boards', { token: owner.token, query: { privacy: 'SECRET', bookmark: String(page1.body.bookmark) } });
        expect(wrongFilter.status).toBe(400);
    });
});

describe('query and path validation', () => {
    it.each(['0', '251', 'abc', '2.5', ''])('rejects page_size=%s naming the parameter', async (value) => {
        const result = await call('GET', '/pins', { token: main.token, query: { page_size: value } });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining("'page_size'") });
    });

    it('accepts page_size at the bounds', async () => {
        expect((await call('GET', '/pins', { token: main.token, query: { page_size: '1' } })).status).toBe(200);
        expect((await call('GET', '/pins', { token: main.token, query: { page_size: '250' } })).status).toBe(200);
    });

    it('rejects unknown query parameters, naming them', async () => {
        const result = await call('GET', '/boards', { token: main.token, query: { pagesize: '10' } });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining("'pagesize'") });
    });

    it('accepts only true/false for booleans and declared enum values', async () => {
        const yes = await call('GET', '/pins', { token: main.token, query: { pin_metrics: 'yes' } });
        expect(yes.status).toBe(400);
        expect(yes.body.message).toContain("'pin_metrics'");
        const one = await call('GET', '/pins', { token: main.token, query: { pin_metrics: '1' } });
        expect(one.status).toBe(400);
        const privacy = await call('GET', '/boards', { token: main.token, query: { privacy: 'public' } });
        expect(privacy.status).toBe(400);
        expect(privacy.body.message).toContain("'privacy'");
        expect(privacy.body.message).toContain('PUBLIC');
    });

    it('handles array parameters, repeated or comma-separated, and validates their items', async () => {
        const repeated = await call('GET', `/boards/${mainBoard}/pins`, { token: main.token, query: { creative_types: ['REGULAR', 'VIDEO'] } });
        expect(repeated.status).toBe(200);
        expect(items(repeated).length).toBeGreaterThan(0);
        const video = await call('GET', `/boards/${mainBoard}/pins`, { token: main.token, query: { creative_types: 'VIDEO,CAROUSEL' } });
        expect(items(video)).toEqual([]);
        const bogus = await call('GET', `/boards/${mainBoard}/pins`, { token: main.token, query: { creative_types: 'BOGUS' } });
        expect(bogus.status).toBe(400);
        expect(bogus.body.message).toContain("'creative_types'");
    });

    it('rejects a repeated scalar parameter', async () => {
        const result = await call('GET', '/pins', { token: main.token, query: { page_size: ['10', '20'] } });
        expect(result.status).toBe(400);
    });

    it('validates path parameters against their pattern', async () => {
        const result = await call('GET', '/boards/not-a-number', { token: main.token });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining("'board_id'") });
        const pin = await call('GET', '/pins/12ab', { token: main.token });
        expect(pin.body.message).toContain("'pin_id'");
    });

    it('validates before authenticating', async () => {
        const result = await call('GET', '/pins', { query: { page_size: '0' } });
        expect(result.status).toBe(400);
    });
});

describe('POST /pins', () => {
    it('creates an image pin and returns it with 201', async () => {
        const before = emulator.state.listPinsOfBoard(mainBoard).length;
        const result = await call('POST', '/pins', { token: main.token, json: imagePin(mainBoard) });
        expect(result.status).toBe(201);
        expect(result.body).toMatchObject({
            id: expect.stringMatching(/^\d{18}$/),
            board_id: mainBoard,
            title: 'Lemon Ricotta Pancakes',
            board_owner: { username: 'janedoe' },
            is_owner: true,
            creative_type: 'REGULAR',
            media: { media_type: 'image', images: { '150x150': { width: 150, height: 150 } } },
        });
        expect(result.body.created_at).toBe(new Date(clock).toISOString().slice(0, 19));
        expect(String((result.body.media as { images: Record<string, { url: string }> }).images['600x']?.url)).toMatch(
            /^https:\/\/i\.pinimg\.com\/600x\//,
        );
        expect(result.body).not.toHaveProperty('pin_metrics');
        expect(emulator.state.listPinsOfBoard(mainBoard)).toHaveLength(before + 1);
        expect(emulator.state.listPinsOfBoard(mainBoard)[0]?.id).toBe(result.body.id);
        const fetched = await call('GET', `/pins/${String(result.body.id)}`, { token: main.token, query: { pin_metrics: 'true' } });
        expect(fetched.body.pin_metrics).toEqual({
            '90d': { pin_click: 0, impression: 0, clickthrough: 0 },
            lifetime_metrics: { pin_click: 0, impression: 0, clickthrough: 0, reaction: 0, comment: 0 },
        });
        const board = await call('GET', `/boards/${mainBoard}`, { token: main.token });
        expect(board.body.pin_count).toBe(before + 1);
    });

    it('creates a carousel from multiple_image_urls', async () => {
        const result = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(mainBoard, {
                media_source: {
                    source_type: 'multiple_image_urls',
                    items: [
                        { url: 'https://www.example.com/a.jpg', title: 'Step 1' },
                        { url: 'https://www.example.com/b.jpg', title: 'Step 2', link: 'https://www.example.com/b' },
                    ],
                },
            }),
        });
        expect(result.status).toBe(201);
        expect(result.body.creative_type).toBe('CAROUSEL');
        expect(result.body.media).toMatchObject({ media_type: 'multiple_images', items: [{ title: 'Step 1' }, { title: 'Step 2' }] });
    });

    it.each([
        ['a 101-character title', { title: 'x'.repeat(101) }, "'title'"],
        ['an 801-character description', { description: 'x'.repeat(801) }, "'description'"],
        ['a 501-character alt_text', { alt_text: 'x'.repeat(501) }, "'alt_text'"],
        ['a 2049-character link', { link: `https://example.com/${'x'.repeat(2029)}` }, "'link'"],
        ['an unknown field', { note: 'hello' }, "'note'"],
        ['a read-only field', { created_at: '2024-01-01T00:00:00' }, "'created_at'"],
        ['a media_source without url', { media_source: { source_type: 'image_url' } }, "'media_source.url'"],
        [
            'an unknown media_source field',
            { media_source: { source_type: 'image_url', url: 'https://x.example/a.jpg', width: 3 } },
            "'media_source.width'",
        ],
        ['an unknown source_type', { media_source: { source_type: 'gif_url', url: 'https://x.example/a.jpg' } }, "'media_source.source_type'"],
        [
            'a single-image carousel',
            { media_source: { source_type: 'multiple_image_urls', items: [{ url: 'https://x.example/a.jpg' }] } },
            "'media_source.items'",
        ],
        ['a non-numeric board_id', { board_id: 'recipes' }, "'board_id'"],
        ['a numeric title', { title: 42 }, "'title'"],
    ])('rejects %s with 400 naming the field', async (_label, extra, field) => {
        const count = emulator.state.listPinsOfBoard(mainBoard).length;
        const result = await call('POST', '/pins', { token: main.token, json: imagePin(mainBoard, extra) });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining(field) });
        expect(emulator.state.listPinsOfBoard(mainBoard)).toHaveLength(count);
    });

    it('accepts the maximum lengths and nulls', async () => {
        const result = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(mainBoard, { title: 'x'.repeat(100), description: 'y'.repeat(800), alt_text: null, link: null }),
        });
        expect(result.status).toBe(201);
        expect(result.body.alt_text).toBeNull();
    });

    it('requires board_id and media_source', async () => {
        const { board_id: _b, ...noBoard } = imagePin(mainBoard);
        expect((await call('POST', '/pins', { token: main.token, json: noBoard })).body.message).toContain("'board_id'");
        const { media_source: _m, ...noMedia } = imagePin(mainBoard);
        expect((await call('POST', '/pins', { token: main.token, json: noMedia })).body.message).toContain("'media_source'");
    });

    it('insists on JSON', async () => {
        const form = await call('POST', '/pins', {
            token: main.token,
            body: 'board_id=1',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        expect(form.status).toBe(400);
        expect(form.body.message).toContain('Content-Type');
        const broken = await call('POST', '/pins', { token: main.token, body: '{"board_id":', headers: { 'Content-Type': 'application/json' } });
        expect(broken.status).toBe(400);
        const empty = await call('POST', '/pins', { token: main.token, headers: { 'Content-Type': 'application/json' } });
        expect(empty.status).toBe(400);
    });

    it("answers 404 code 40 for a missing board or another user's board", async () => {
        const missing = await call('POST', '/pins', { token: main.token, json: imagePin('999999999999999999') });
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ code: 40, message: 'Board not found.' });
        const stranger = account({ username: 'stranger' });
        const theirs = emulator.state.createBoard(stranger.userId, { name: 'Private stuff' }).id;
        const foreign = await call('POST', '/pins', { token: main.token, json: imagePin(theirs) });
        expect(foreign.body).toEqual({ code: 40, message: 'Board not found.' });
        const get = await call('GET', '/boards/999999999999999999', { token: main.token });
        expect(get.body).toEqual({ code: 40, message: 'Board not found.' });
        const pin = await call('GET', '/pins/999999999999999999', { token: main.token });
        expect(pin.body).toEqual({ code: 50, message: 'Pin not found.' });
    });

    it('refuses images it cannot fetch', async () => {
        const result = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(mainBoard, { media_source: { source_type: 'image_url', url: 'https://images.invalid/a.jpg' } }),
        });
        expect(result.status).toBe(400);
        expect(result.body.code).toBe(1);
    });
});

describe('authentication and scopes', () => {
    it('answers 401 code 2 without, with malformed, unknown or expired tokens', async () => {
        const expected = { code: 2, message: 'Authentication failed.' };
        expect((await call('GET', '/boards')).body).toEqual(expected);
        expect((await call('GET', '/boards', { headers: { Authorization: main.token } })).body).toEqual(expected);
        expect((await call('GET', '/boards', { headers: { Authorization: 'Bearer' } })).body).toEqual(expected);
        expect((await call('GET', '/boards', { token: 'pina_doesnotexist' })).body).toEqual(expected);
        const short = account({ username: 'shortlived', accessTokenTtlSec: 60 });
        expect((await call('GET', '/boards', { token: short.token })).status).toBe(200);
        clock += 61_000;
        const expired = await call('GET', '/boards', { token: short.token });
        expect(expired.status).toBe(401);
        expect(expired.body).toEqual(expected);
        emulator.state.expireAccessToken(main.token.slice(0));
        expect((await call('GET', '/boards', { token: main.token })).status).toBe(401);
        // Give the main account a fresh token for later tests.
        main.token = emulator.state.issueTokens({ userId: main.userId, appId: main.appId, scopes: ALL_SCOPES }).accessToken;
    });

    it('answers 401 code 3 naming the missing scopes, read from the spec', async () => {
        const reader = account({ username: 'readeronly', scopes: ['boards:read', 'pins:read'] });
        const board = emulator.state.createBoard(reader.userId, { name: 'Reads' }).id;
        const result = await call('POST', '/pins', { token: reader.token, json: imagePin(board) });
        expect(result.status).toBe(401);
        expect(result.body.code).toBe(3);
        expect(result.body.message).toContain('boards:write');
        expect(result.body.message).toContain('pins:write');
        const account2 = await call('GET', '/user_account', { token: reader.token });
        expect(account2.body.message).toContain('user_accounts:read');
        const boardsOnly = account({ username: 'boardsonly', scopes: ['boards:read'] });
        expect((await call('GET', '/boards', { token: boardsOnly.token })).status).toBe(200);
        const pins = await call('GET', '/pins', { token: boardsOnly.token });
        expect(pins.body).toMatchObject({ code: 3, message: expect.stringContaining('pins:read') });
    });

    it('hides secret boards and pins without the *_secret scopes', async () => {
        const owner = account({ username: 'secretkeeper', scopes: ['boards:read', 'pins:read', 'boards:write', 'pins:write'] });
        const open = emulator.state.createBoard(owner.userId, { name: 'Open' }).id;
        const hidden = emulator.state.createBoard(owner.userId, { name: 'Hidden', privacy: 'SECRET' }).id;
        emulator.state.createPins(open, 2);
        const [secretPin] = emulator.state.createPins(hidden, 3);
        const boards = await call('GET', '/boards', { token: owner.token });
        expect(items(boards).map((b) => b.name)).toEqual(['Open']);
        expect((await call('GET', `/boards/${hidden}`, { token: owner.token })).status).toBe(404);
        expect(items(await call('GET', '/pins', { token: owner.token }))).toHaveLength(2);
        expect((await call('GET', `/pins/${String(secretPin?.id)}`, { token: owner.token })).status).toBe(404);
        const full = emulator.state.issueTokens({ userId: owner.userId, appId: owner.appId, scopes: ALL_SCOPES }).accessToken;
        expect(items(await call('GET', '/boards', { token: full }))).toHaveLength(2);
        expect(items(await call('GET', '/pins', { token: full }))).toHaveLength(5);
        expect((await call('GET', `/boards/${hidden}/pins`, { token: full })).status).toBe(200);
    });
});

describe('Trial access and environments', () => {
    it('forbids a Trial app from creating pins in production but not in the sandbox', async () => {
        const trial = account({ username: 'trialapp', trial: true });
        const board = emulator.state.createBoard(trial.userId, { name: 'Trial board' }).id;
        const production = await call('POST', '/pins', { token: trial.token, json: imagePin(board) });
        expect(production.status).toBe(403);
        expect(production.body).toMatchObject({ code: 29, message: expect.stringContaining('Trial') });
        expect(String(production.body.message)).toContain('api-sandbox.pinterest.com');
        expect(emulator.state.listPinsOfBoard(board)).toHaveLength(0);
        expect(production.headers.get('x-ratelimit-limit')).toBe('1000, 1000;w=86400');

        const sandboxToken = emulator.state.issueTokens({
            userId: trial.userId,
            appId: trial.appId,
            scopes: ALL_SCOPES,
            environment: 'sandbox',
        }).accessToken;
        const sandbox = await call('POST', '/pins', { token: sandboxToken, json: imagePin(board) });
        expect(sandbox.status).toBe(201);
        // Reads are fine in production.
        expect((await call('GET', '/boards', { token: trial.token })).status).toBe(200);
    });
});

describe('OAuth token endpoint', () => {
    it('rotates refresh tokens: the old one dies, the new one works, the old access token lives on', async () => {
        const user = account({ username: 'oauthuser', scopes: ['boards:read', 'pins:read'] });
        const basic = { appId: user.appId, secret: user.appSecret };
        const first = await call('POST', '/oauth/token', { basic, form: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({
            access_token: expect.stringMatching(/^pina_/),
            refresh_token: expect.stringMatching(/^pinr_/),
            token_type: 'bearer',
            response_type: 'refresh_token',
            expires_in: 2_592_000,
            refresh_token_expires_in: 5_184_000,
            refresh_token_expires_at: Math.floor(clock / 1000) + 5_184_000,
            scope: 'boards:read pins:read',
        });
        expect(first.body.refresh_token).not.toBe(user.refreshToken);
        expect(emulator.state.isRefreshTokenValid(user.refreshToken)).toBe(false);

        const reused = await call('POST', '/oauth/token', { basic, form: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
        expect(reused.status).toBe(400);
        expect(reused.body.message).toMatch(/refresh token/i);

        const second = await call('POST', '/oauth/token', {
            basic,
            form: { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) },
        });
        expect(second.status).toBe(200);
        expect((await call('GET', '/boards', { token: String(second.body.access_token) })).status).toBe(200);
        expect((await call('GET', '/boards', { token: user.token })).status).toBe(200);

        const log = emulator.requestsTo('POST', '/oauth/token');
        expect(JSON.stringify(log)).not.toContain(user.refreshToken);
        expect((log[0]?.body as Record<string, string>).refresh_token).toBe(`…${user.refreshToken.slice(-4)}`);
    });

    it('rejects wrong or missing Basic auth with 401 code 2', async () => {
        const user = account({ username: 'badbasic' });
        const form = { grant_type: 'refresh_token', refresh_token: user.refreshToken };
        const wrong = await call('POST', '/oauth/token', { basic: { appId: user.appId, secret: 'nope' }, form });
        expect(wrong.status).toBe(401);
        expect(wrong.body).toEqual({ code: 2, message: 'Authentication failed.' });
        const missing = await call('POST', '/oauth/token', { form });
        expect(missing.status).toBe(401);
        const otherApp = emulator.state.createApp({});
        const foreign = await call('POST', '/oauth/token', { basic: { appId: otherApp.appId, secret: otherApp.appSecret }, form });
        expect(foreign.status).toBe(400);
        expect(emulator.state.isRefreshTokenValid(user.refreshToken)).toBe(true);
    });

    it('rejects revoked and expired refresh tokens', async () => {
        const revoked = account({ username: 'revokeduser' });
        emulator.state.revokeRefreshToken(revoked.refreshToken);
        const r1 = await call('POST', '/oauth/token', {
            basic: { appId: revoked.appId, secret: revoked.appSecret },
            form: { grant_type: 'refresh_token', refresh_token: revoked.refreshToken },
        });
        expect(r1.status).toBe(400);
        expect(r1.body.message).toMatch(/invalid refresh token/i);
        const expiring = account({ username: 'expiringuser', refreshTokenTtlSec: 10 });
        clock += 11_000;
        const r2 = await call('POST', '/oauth/token', {
            basic: { appId: expiring.appId, secret: expiring.appSecret },
            form: { grant_type: 'refresh_token', refresh_token: expiring.refreshToken },
        });
        expect(r2.status).toBe(400);
        expect(r2.body.message).toMatch(/invalid refresh token/i);
    });

    it('validates the form body', async () => {
        const user = account({ username: 'formcheck' });
        const basic = { appId: user.appId, secret: user.appSecret };
        const json = await call('POST', '/oauth/token', { basic, json: { grant_type: 'refresh_token', refresh_token: user.refreshToken } });
        expect(json.status).toBe(400);
        expect(json.body.message).toContain('Content-Type');
        const unknown = await call('POST', '/oauth/token', {
            basic,
            form: { grant_type: 'refresh_token', refresh_token: user.refreshToken, client_id: user.appId },
        });
        expect(unknown.body.message).toContain("'client_id'");
        const missing = await call('POST', '/oauth/token', { basic, form: { grant_type: 'refresh_token' } });
        expect(missing.body.message).toContain("'refresh_token'");
        const grant = await call('POST', '/oauth/token', { basic, form: { grant_type: 'password' } });
        expect(grant.body.message).toContain("'grant_type'");
        const flag = await call('POST', '/oauth/token', {
            basic,
            form: { grant_type: 'refresh_token', refresh_token: user.refreshToken, continuous_refresh: 'maybe' },
        });
        expect(flag.body.message).toContain("'continuous_refresh'");
        expect(emulator.state.isRefreshTokenValid(user.refreshToken)).toBe(true);
    });

    it('exchanges an authorization code once, checking redirect_uri', async () => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username: 'codeflow' });
        const basic = { appId: app.appId, secret: app.appSecret };
        const redirectUri = 'http://localhost:8085/callback';
        const code = emulator.state.mintAuthorizationCode({
            appId: app.appId,
            userId: user.id,
            scopes: ['boards:read', 'pins:read', 'user_accounts:read'],
            redirectUri,
        });
        const mismatch = await call('POST', '/oauth/token', {
            basic,
            form: { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost/other' },
        });
        expect(mismatch.status).toBe(400);
        const ok = await call('POST', '/oauth/token', {
            basic,
            form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, continuous_refresh: 'true' },
        });
        expect(ok.status).toBe(200);
        expect(ok.body).toMatchObject({
            response_type: 'authorization_code',
            token_type: 'bearer',
            scope: 'boards:read pins:read user_accounts:read',
        });
        const me = await call('GET', '/user_account', { token: String(ok.body.access_token) });
        expect(me.body.username).toBe('codeflow');
        const again = await call('POST', '/oauth/token', { basic, form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri } });
        expect(again.status).toBe(400);
    });
});

describe('rate limits', () => {
    it('sends structured rate-limit headers and counts down per user, app and category', async () => {
        const user = account({ username: 'ratelimited' });
        const first = await call('GET', '/boards', { token: user.token });
        const limit = first.headers.get('x-ratelimit-limit') ?? '';
        expect(limit).toBe('100, 100;w=1, 1000;w=60');
        const numbers = limit.split(',').map((part) => Number.parseInt(part.trim(), 10));
        expect(numbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
        const remaining1 = Number(first.headers.get('x-ratelimit-remaining'));
        const second = await call('GET', '/boards', { token: user.token });
        expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining1 - 1);
        const reset = Number(second.headers.get('x-ratelimit-reset'));
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        const write = await call('POST', '/pins', { token: user.token, json: imagePin('999999999999999999') });
        expect(write.headers.get('x-ratelimit-limit')).toMatch(/;w=60/);
    });

    it('answers 429 code 8 once a window is used up, and recovers when it resets', async () => {
        const tight = await startEmulator({ now, rateLimits: { standard: { org_read: [{ limit: 3, windowSec: 60 }] } } });
        try {
            const app = tight.state.createApp({});
            const user = tight.state.createUser({ username: 'tight' });
            const { accessToken } = tight.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ALL_SCOPES });
            const get = () => fetch(`${tight.baseUrl}/boards`, { headers: { Authorization: `Bearer ${accessToken}` } });
            clock = Math.ceil(clock / 60_000) * 60_000 + 1_000;
            const remaining: string[] = [];
            for (let i = 0; i < 3; i++) remaining.push((await get()).headers.get('x-ratelimit-remaining') ?? '');
            expect(remaining).toEqual(['2', '1', '0']);
            const limited = await get();
            expect(limited.status).toBe(429);
            expect(await limited.json()).toMatchObject({ code: 8 });
            expect(limited.headers.get('x-ratelimit-reset')).toBe('59');
            clock += 59_000;
            expect((await get()).status).toBe(200);
        } finally {
            await tight.close();
        }
    });
});

describe('faults', () => {
    let user: Account;
    let board: string;
    beforeAll(() => {
        user = account({ username: 'faultuser' });
        board = emulator.state.createBoard(user.userId, { name: 'Faults' }).id;
        emulator.state.createPins(board, 5);
    });

    it('rate-limit: 429 code 8 with Remaining 0 and the given Reset, skipping the first N', async () => {
        emulator.resetRequests();
        emulator.injectFault({ kind: 'rate-limit', match: { method: 'GET', path: `/boards/${board}/pins` }, skip: 1, times: 2, resetSeconds: 7 });
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
            const result = await call('GET', `/boards/${board}/pins`, { token: user.token });
            statuses.push(result.status);
            if (result.status === 429) {
                expect(result.body).toMatchObject({ code: 8, message: expect.stringContaining('rate limit') });
                expect(result.headers.get('x-ratelimit-remaining')).toBe('0');
                expect(result.headers.get('x-ratelimit-reset')).toBe('7');
            }
        }
        expect(statuses).toEqual([200, 429, 429, 200]);
        expect(emulator.requestsTo('GET', `/v5/boards/${board}/pins`).map((r) => r.status)).toEqual(statuses);
        expect(emulator.requestsTo('get', /\/pins$/).map((r) => r.fault)).toEqual([undefined, 'rate-limit', 'rate-limit', undefined]);
    });

    it('spam: 429 whose message mentions spam', async () => {
        emulator.injectFault({ kind: 'spam', match: { path: /^\/v5\/pins$/ } });
        const result = await call('POST', '/pins', { token: user.token, json: imagePin(board) });
        expect(result.status).toBe(429);
        expect(String(result.body.message)).toMatch(/spam/i);
        expect(emulator.state.listPinsOfBoard(board)).toHaveLength(5);
    });

    it('server-error: 5xx without processing the request', async () => {
        for (const status of [500, 502, 503]) {
            emulator.injectFault({ kind: 'server-error', status, match: { method: 'POST', path: '/v5/pins' } });
            const result = await call('POST', '/pins', { token: user.token, json: imagePin(board) });
            expect(result.status).toBe(status);
            expect(result.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
        }
        expect(emulator.state.listPinsOfBoard(board)).toHaveLength(5);
    });

    it('drop: the connection dies and nothing is processed', async () => {
        emulator.resetRequests();
        emulator.injectFault({ kind: 'drop', match: { method: 'POST', path: '/pins' } });
        await expect(
            fetch(`${emulator.baseUrl}/pins`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(imagePin(board)),
            }),
        ).rejects.toThrow();
        expect(emulator.state.listPinsOfBoard(board)).toHaveLength(5);
        expect(emulator.requests.map((r) => r.status)).toEqual(['dropped']);
    });

    it('drop-after-commit: the pin is created but no answer arrives', async () => {
        emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: '/pins' } });
        await expect(
            fetch(`${emulator.baseUrl}/pins`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(imagePin(board, { title: 'Committed then dropped' })),
            }),
        ).rejects.toThrow();
        expect(emulator.state.listPinsOfBoard(board)).toHaveLength(6);
        expect(emulator.state.listPinsOfBoard(board)[0]?.title).toBe('Committed then dropped');
        expect(emulator.requestsTo('POST', '/pins').at(-1)?.status).toBe('dropped');
    });

    it('slow: processes first, answers after the delay', async () => {
        emulator.injectFault({ kind: 'slow', delayMs: 500, match: { method: 'POST', path: '/pins' } });
        const started = performance.now();
        let answered = false;
        const pending = call('POST', '/pins', { token: user.token, json: imagePin(board, { title: 'Slow one' }) }).finally(() => {
            answered = true;
        });
        // Wait for the pin to exist rather than guess how long processing takes on a busy machine.
        await vi.waitFor(() => expect(emulator.state.listPinsOfBoard(board)[0]?.title).toBe('Slow one'), { timeout: 10_000, interval: 5 });
        expect(answered).toBe(false);
        const result = await pending;
        expect(result.status).toBe(201);
        expect(performance.now() - started).toBeGreaterThanOrEqual(495);
    });

    it('expire-token: 401 code 2 now and for later requests with that token', async () => {
        const victim = account({ username: 'expiringmidrun' });
        emulator.injectFault({ kind: 'expire-token', match: { path: '/user_account' } });
        const result = await call('GET', '/user_account', { token: victim.token });
        expect(result.body).toEqual({ code: 2, message: 'Authentication failed.' });
        expect(emulator.state.isAccessTokenValid(victim.token)).toBe(false);
        expect((await call('GET', '/boards', { token: victim.token })).status).toBe(401);
    });

    it('faults come after validation: an invalid request is a 400 and the fault stays queued', async () => {
        emulator.injectFault({ kind: 'server-error', match: { path: '/pins' } });
        expect((await call('GET', '/pins', { token: user.token, query: { page_size: '0' } })).status).toBe(400);
        expect((await call('GET', '/pins', { token: user.token })).status).toBe(500);
        expect((await call('GET', '/pins', { token: user.token })).status).toBe(200);
    });
});

describe('recording', () => {
    it('records every request with method, path, parsed query and body, status, category and token suffix', async () => {
        emulator.resetRequests();
        await call('GET', `/boards/${mainBoard}/pins`, { token: main.token, query: { page_size: '5', creative_types: ['REGULAR', 'VIDEO'] } });
        await call('POST', '/pins', { token: main.token, json: imagePin(mainBoard) });
        await call('GET', '/nowhere', { token: main.token });
        expect(emulator.requests).toMatchObject([
            {
                method: 'GET',
                path: `/v5/boards/${mainBoard}/pins`,
                query: { page_size: '5', creative_types: ['REGULAR', 'VIDEO'] },
                status: 200,
                category: 'org_read',
                tokenSuffix: main.token.slice(-4),
            },
            { method: 'POST', path: '/v5/pins', body: { board_id: mainBoard }, status: 201, category: 'org_write' },
            { method: 'GET', path: '/v5/nowhere', status: 404, category: null },
        ]);
        expect(JSON.stringify(emulator.requests)).not.toContain(main.token);
        expect(emulator.requestsTo('POST', '/pins')).toHaveLength(1);
        expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        const rids = emulator.requests.map((r) => r.rid);
        expect(new Set(rids).size).toBe(rids.length);
    });
});

describe('seedDemoAccount', () => {
    it('creates a realistic account the API serves', async () => {
        const seeded = seedDemoAccount(emulator, { boards: 3, pinsPerBoard: 10, secretBoards: 1, username: 'demo_seed' });
        expect(seeded.boards.map((b) => b.name)).toEqual(['Summer Recipes', 'Home Office Ideas', 'Weekend DIY Projects']);
        expect(seeded.boards.map((b) => b.privacy)).toEqual(['PUBLIC', 'PUBLIC', 'SECRET']);
        const boards = await call('GET', '/boards', { token: seeded.tokens.accessToken });
        expect(items(boards)).toHaveLength(3);
        const pins = await call('GET', `/boards/${seeded.boards[0]?.id ?? ''}/pins`, {
            token: seeded.tokens.accessToken,
            query: { pin_metrics: 'true' },
        });
        const pin = items(pins)[0] as Record<string, unknown> & {
            media: { images: Record<string, { url: string }> };
            pin_metrics: Record<string, unknown>;
        };
        expect(pin.title).toBe('Watermelon Feta Skewers (2)');
        expect(pin.media.images['1200x']?.url).toMatch(/^https:\/\/i\.pinimg\.com\/1200x\//);
        expect(pin.pin_metrics).toHaveProperty('90d');
        expect(pin.pin_metrics).toHaveProperty('lifetime_metrics');
        const me = await call('GET', '/user_account', { token: seeded.tokens.accessToken });
        expect(me.body).toMatchObject({ username: 'demo_seed', board_count: 3, pin_count: 30 });
    });
});
