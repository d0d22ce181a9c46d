/**
 * The emulator's publishing side: boards and sections, media uploads, video and carousel pins, write rate limits,
 * the faults publishing tests rely on, and the listing lag.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, validateResponse } from './index.js';
import type { PinterestEmulator } from './index.js';
import { DEMO_SCOPES } from './seed.js';

const START = Date.UTC(2025, 5, 2, 12, 0, 0);
let clock = START;
const now = (): number => clock;

let emulator: PinterestEmulator;

interface CallResult {
    status: number;
    body: Record<string, unknown>;
    headers: Headers;
}

/** Calls the API and checks the answer against the spec's response schema (the clock moves 25 ms per call). */
async function call(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; query?: Record<string, string>; on?: PinterestEmulator } = {},
): Promise<CallResult> {
    clock += 25;
    const target = options.on ?? emulator;
    const url = new URL(`${target.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.append(key, value);
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, { method, headers, ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}) });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const record = target.requests[target.requests.length - 1];
    if (record?.operationId) {
        expect(
            validateResponse(record.operationId, response.status, text ? body : undefined),
            `${method} ${path} → ${response.status} ${text.slice(0, 300)}`,
        ).toEqual([]);
    }
    return { status: response.status, body, headers: response.headers };
}

interface Account {
    appId: string;
    userId: string;
    token: string;
}

function account(
    username: string,
    options: { scopes?: readonly string[]; environment?: 'production' | 'sandbox'; on?: PinterestEmulator } = {},
): Account {
    const state = (options.on ?? emulator).state;
    const app = state.createApp({});
    const user = state.createUser({ username });
    const tokens = state.issueTokens({
        userId: user.id,
        appId: app.appId,
        scopes: [...(options.scopes ?? DEMO_SCOPES)],
        environment: options.environment ?? 'production',
    });
    return { appId: app.appId, userId: user.id, token: tokens.accessToken };
}

function items(result: CallResult): Record<string, unknown>[] {
    return result.body.items as Record<string, unknown>[];
}

const imagePin = (boardId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    board_id: boardId,
    title: 'Citrus Salad',
    media_source: { source_type: 'image_url', url: 'https://www.example.com/images/salad.jpg' },
    ...extra,
});

interface Registered {
    media_id: string;
    upload_url: string;
    upload_parameters: Record<string, string>;
}

async function registerVideo(token: string): Promise<Registered> {
    const result = await call('POST', '/media', { token, json: { media_type: 'video' } });
    expect(result.status).toBe(201);
    return result.body as unknown as Registered;
}

/** Posts a multipart form to the upload URL: the given fields in order, then (unless `file: null`) the file part. */
async function upload(
    target: Registered,
    options: { fields?: Record<string, string>; file?: Buffer | null; fileFirst?: boolean; headers?: Record<string, string>; method?: string } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
    const form = new FormData();
    const file = options.file === undefined ? Buffer.from('fake mp4 bytes') : options.file;
    const addFile = (): void => {
        if (file) form.append('file', new Blob([file], { type: 'video/mp4' }), 'clip.mp4');
    };
    if (options.fileFirst) addFile();
    for (const [key, value] of Object.entries(options.fields ?? target.upload_parameters)) form.append(key, value);
    if (!options.fileFirst) addFile();
    const response = await fetch(target.upload_url, {
        method: options.method ?? 'POST',
        ...(options.method && options.method !== 'POST' ? {} : { body: form }),
        headers: options.headers ?? {},
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
}

async function pollStatuses(token: string, mediaId: string, count: number): Promise<string[]> {
    const statuses: string[] = [];
    for (let i = 0; i < count; i++) {
        const result = await call('GET', `/media/${mediaId}`, { token });
        expect(result.status).toBe(200);
        statuses.push(String(result.body.status));
    }
    return statuses;
}

/** A video the user has uploaded and Pinterest has processed. */
async function readyVideo(token: string): Promise<string> {
    const registered = await registerVideo(token);
    expect((await upload(registered)).status).toBe(204);
    expect(await pollStatuses(token, registered.media_id, 3)).toEqual(['processing', 'processing', 'succeeded']);
    return registered.media_id;
}

let main: Account;
let board: string;

beforeAll(async () => {
    emulator = await startEmulator({ now });
    main = account('publisher');
    board = emulator.state.createBoard(main.userId, { name: 'Main board' }).id;
});

afterAll(async () => {
    await emulator.close();
});

afterEach(() => {
    emulator.clearFaults();
    emulator.state.setListingLag({});
});

describe('POST /boards', () => {
    it('creates a board (201, Board shape), newest first in GET /boards, counted against org_write', async () => {
        const user = account('boardmaker');
        emulator.state.createBoard(user.userId, { name: 'Older board' });
        const result = await call('POST', '/boards', {
            token: user.token,
            json: { name: 'Weeknight Dinners', description: 'Quick ones', privacy: 'PROTECTED' },
        });
        expect(result.status).toBe(201);
        expect(result.body).toMatchObject({
            id: expect.stringMatching(/^\d{18}$/),
            name: 'Weeknight Dinners',
            description: 'Quick ones',
            privacy: 'PROTECTED',
            pin_count: 0,
            owner: { username: 'boardmaker' },
            created_at: new Date(clock).toISOString().slice(0, 19),
        });
        expect(result.headers.get('x-ratelimit-limit')).toBe('100, 100;w=1, 100;w=60');
        expect(emulator.requests.at(-1)?.category).toBe('org_write');
        const listed = await call('GET', '/boards', { token: user.token });
        expect(items(listed).map((b) => b.name)).toEqual(['Weeknight Dinners', 'Older board']);
        expect(emulator.state.boardsOf(user.userId).map((b) => b.id)).toEqual([result.body.id, expect.any(String)]);
        const defaults = await call('POST', '/boards', { token: user.token, json: { name: 'Defaults' } });
        expect(defaults.body).toMatchObject({ privacy: 'PUBLIC', description: null });
    });

    it('refuses a second board with the same name (409 code 58), ignoring case and surrounding spaces', async () => {
        const user = account('dupboards');
        expect((await call('POST', '/boards', { token: user.token, json: { name: 'Garden' } })).status).toBe(201);
        const again = await call('POST', '/boards', { token: user.token, json: { name: ' garden ' } });
        expect(again.status).toBe(409);
        expect(again.body).toEqual({ code: 58, message: 'You already have a board with this name.' });
        expect(emulator.state.boardsOf(user.userId)).toHaveLength(1);
        // Another user may use the name.
        expect((await call('POST', '/boards', { token: account('otherdup').token, json: { name: 'Garden' } })).status).toBe(201);
    });

    it.each([
        ['an unknown field', { name: 'X', note: 'hi' }, "'note'"],
        ['a read-only field', { name: 'X', pin_count: 3 }, "'pin_count'"],
        ['no name', { description: 'd' }, "'name'"],
        ['an unknown privacy', { name: 'X', privacy: 'HIDDEN' }, "'privacy'"],
        ['a blank name', { name: '   ' }, "'name'"],
    ])('rejects %s with 400 code 1 naming the field', async (_label, json, field) => {
        const result = await call('POST', '/boards', { token: main.token, json });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    });

    it('needs boards:write, and boards:write_secret for a SECRET board', async () => {
        const reader = account('boardreader', { scopes: ['boards:read', 'pins:read'] });
        const denied = await call('POST', '/boards', { token: reader.token, json: { name: 'Nope' } });
        expect(denied.status).toBe(401);
        expect(denied.body).toMatchObject({ code: 3, message: expect.stringContaining('boards:write') });
        const writer = account('boardwriter', { scopes: ['boards:read', 'boards:write'] });
        const secret = await call('POST', '/boards', { token: writer.token, json: { name: 'Hidden', privacy: 'SECRET' } });
        expect(secret.status).toBe(401);
        expect(secret.body.message).toContain('boards:write_secret');
        expect(emulator.state.boardsOf(writer.userId)).toEqual([]);
    });

    it('makes an ad-only board "Ad-only Pins" and PROTECTED, as the spec says', async () => {
        const user = account('adsonly');
        const result = await call('POST', '/boards', { token: user.token, json: { name: 'Whatever', is_ads_only: true, privacy: 'PUBLIC' } });
        expect(result.body).toMatchObject({ name: 'Ad-only Pins', privacy: 'PROTECTED' });
    });
});

describe('board sections', () => {
    it('creates sections and lists them in creation order, paginated', async () => {
        const user = account('sectioner');
        const own = emulator.state.createBoard(user.userId, { name: 'Sectioned' }).id;
        const created: string[] = [];
        for (const name of ['Breakfast', 'Lunch', 'Dinner']) {
            const result = await call('POST', `/boards/${own}/sections`, { token: user.token, json: { name } });
            expect(result.status).toBe(201);
            expect(result.body).toEqual({ id: expect.stringMatching(/^\d+$/), name });
            created.push(String(result.body.id));
        }
        const first = await call('GET', `/boards/${own}/sections`, { token: user.token, query: { page_size: '2' } });
        expect(items(first).map((s) => s.name)).toEqual(['Breakfast', 'Lunch']);
        expect(first.body.bookmark).toEqual(expect.any(String));
        const second = await call('GET', `/boards/${own}/sections`, {
            token: user.token,
            query: { page_size: '2', bookmark: String(first.body.bookmark) },
        });
        expect(items(second).map((s) => s.id)).toEqual([created[2]]);
        expect(second.body.bookmark).toBeNull();
        expect(emulator.state.sectionsOf(own).map((s) => s.id)).toEqual(created);
        expect(emulator.requests.at(-1)?.category).toBe('org_read');
    });

    it.each([
        ['an unknown field', { name: 'A', color: 'red' }, "'color'"],
        ['a read-only id', { name: 'A', id: '1' }, "'id'"],
        ['a 181-character name', { name: 'x'.repeat(181) }, "'name'"],
        ['an empty name', { name: '' }, "'name'"],
    ])('rejects %s with 400 naming the field', async (_label, json, field) => {
        const result = await call('POST', `/boards/${board}/sections`, { token: main.token, json });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    });

    it("refuses a duplicate section name on the same board, and another user's board (404 code 40)", async () => {
        const user = account('dupsections');
        const own = emulator.state.createBoard(user.userId, { name: 'Dups' }).id;
        expect((await call('POST', `/boards/${own}/sections`, { token: user.token, json: { name: 'Soups' } })).status).toBe(201);
        const dup = await call('POST', `/boards/${own}/sections`, { token: user.token, json: { name: 'soups' } });
        expect(dup.status).toBe(400);
        expect(dup.body.message).toContain("'soups'");
        const foreign = await call('POST', `/boards/${own}/sections`, { token: main.token, json: { name: 'Mine now' } });
        expect(foreign.body).toEqual({ code: 40, message: 'Board not found.' });
        expect((await call('GET', `/boards/${own}/sections`, { token: main.token })).status).toBe(404);
    });

    it('POST /pins puts a pin in a section of its board; a section of another board or an unknown one is 404 code 2031', async () => {
        const section = emulator.state.createBoardSection(board, 'Salads');
        const pinned = await call('POST', '/pins', { token: main.token, json: imagePin(board, { board_section_id: section.id }) });
        expect(pinned.status).toBe(201);
        expect(pinned.body.board_section_id).toBe(section.id);
        const otherBoard = emulator.state.createBoard(main.userId, { name: 'Other board' }).id;
        const elsewhere = emulator.state.createBoardSection(otherBoard, 'Elsewhere');
        const count = emulator.state.createdPinCount();
        for (const sectionId of [elsewhere.id, '999999999999']) {
            const result = await call('POST', '/pins', { token: main.token, json: imagePin(board, { board_section_id: sectionId }) });
            expect(result.status).toBe(404);
            expect(result.body).toEqual({ code: 2031, message: 'Board section not found.' });
        }
        expect(emulator.state.createdPinCount()).toBe(count);
    });
});

describe('board sections, paged', () => {
    it('answers 25 sections by default, up to 250 when asked, and refuses a larger page', async () => {
        const user = account('manysections');
        const own = emulator.state.createBoard(user.userId, { name: 'Many sections' }).id;
        for (let n = 1; n <= 30; n++) emulator.state.createBoardSection(own, `Section ${n}`);
        const byDefault = await call('GET', `/boards/${own}/sections`, { token: user.token });
        expect(items(byDefault)).toHaveLength(25);
        expect(byDefault.body.bookmark).toEqual(expect.any(String));
        const large = await call('GET', `/boards/${own}/sections`, { token: user.token, query: { page_size: '250' } });
        expect(items(large).map((s) => s.name)).toEqual(Array.from({ length: 30 }, (_, i) => `Section ${i + 1}`));
        expect(large.body.bookmark).toBeNull();
        const tooLarge = await call('GET', `/boards/${own}/sections`, { token: user.token, query: { page_size: '251' } });
        expect(tooLarge.status).toBe(400);
        expect(tooLarge.body.message).toContain("'page_size'");
    });
});

describe('PATCH /pins/{pin_id}', () => {
    it('changes the fields given, clears those set to null, leaves the rest, and counts as org_write', async () => {
        const user = account('editor');
        const own = emulator.state.createBoard(user.userId, { name: 'Edits' }).id;
        const [pin] = emulator.state.createPins(own, 1, { title: 'Old title', description: 'Old description', link: 'https://example.com/old' });
        const result = await call('PATCH', `/pins/${pin!.id}`, { token: user.token, json: { title: 'New title', link: null } });
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({ id: pin!.id, title: 'New title', description: 'Old description', link: null, board_id: own });
        expect(emulator.state.getPin(pin!.id)).toMatchObject({ title: 'New title', link: null });
        expect(emulator.requests.at(-1)?.category).toBe('org_write');
    });

    it('moves a pin to another board and into a section of it; a section of another board is 404 code 2031', async () => {
        const user = account('mover');
        const from = emulator.state.createBoard(user.userId, { name: 'From' }).id;
        const to = emulator.state.createBoard(user.userId, { name: 'To' }).id;
        const section = emulator.state.createBoardSection(to, 'Shelf');
        const [pin] = emulator.state.createPins(from, 1);
        const wrong = await call('PATCH', `/pins/${pin!.id}`, { token: user.token, json: { board_section_id: section.id } });
        expect(wrong.status).toBe(404);
        expect(wrong.body).toEqual({ code: 2031, message: 'Board section not found.' });
        const moved = await call('PATCH', `/pins/${pin!.id}`, { token: user.token, json: { board_id: to, board_section_id: section.id } });
        expect(moved.body).toMatchObject({ board_id: to, board_section_id: section.id });
        expect(emulator.state.listPinsOfBoard(from)).toEqual([]);
        expect(emulator.state.listPinsOfBoard(to).map((p) => p.id)).toEqual([pin!.id]);
        const out = await call('PATCH', `/pins/${pin!.id}`, { token: user.token, json: { board_section_id: null } });
        expect(out.body).toMatchObject({ board_id: to, board_section_id: null });
    });

    it.each([
        ['an unknown field', { title: 'A', media_source: {} }, "'media_source'"],
        ['a 101-character title', { title: 'x'.repeat(101) }, "'title'"],
        ['a board id that is not digits', { board_id: 'abc' }, "'board_id'"],
    ])('rejects %s with 400 naming the field', async (_label, json, field) => {
        const [pin] = emulator.state.createPins(board, 1);
        const result = await call('PATCH', `/pins/${pin!.id}`, { token: main.token, json });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    });

    it("refuses another user's public pin (403 code 29), and a pin it cannot see is not found (404 code 50)", async () => {
        const owner = account('patchowner');
        const publicPin = emulator.state.createPins(emulator.state.createBoard(owner.userId, { name: 'Open' }).id, 1)[0]!;
        const secretPin = emulator.state.createPins(emulator.state.createBoard(owner.userId, { name: 'Hidden', privacy: 'SECRET' }).id, 1)[0]!;
        const foreign = await call('PATCH', `/pins/${publicPin.id}`, { token: main.token, json: { title: 'Mine now' } });
        expect(foreign.status).toBe(403);
        expect(foreign.body).toEqual({ code: 29, message: 'You are not permitted to access that resource.' });
        const hidden = await call('PATCH', `/pins/${secretPin.id}`, { token: main.token, json: { title: 'Mine now' } });
        expect(hidden.body).toEqual({ code: 50, message: 'Pin not found.' });
        expect(emulator.state.getPin(publicPin.id)?.title).toBe(publicPin.title);
    });

    it('answers 401 code 3 to an app without access to the beta, changing nothing', async () => {
        const user = account('nobeta');
        const [pin] = emulator.state.createPins(emulator.state.createBoard(user.userId, { name: 'Beta' }).id, 1);
        emulator.state.pinUpdateDeniedApps.add(user.appId);
        try {
            const result = await call('PATCH', `/pins/${pin!.id}`, { token: user.token, json: { title: 'Changed' } });
            expect(result.status).toBe(401);
            expect(result.body).toEqual({ code: 3, message: expect.stringContaining('beta') });
            expect(emulator.state.getPin(pin!.id)?.title).toBe(pin!.title);
        } finally {
            emulator.state.pinUpdateDeniedApps.delete(user.appId);
        }
    });

    it('updates the slots of a carousel, one per image, and refuses slots for an image pin', async () => {
        const items = [1, 2].map((n) => ({ url: `https://www.example.com/${n}.jpg`, title: `Slide ${n}` }));
        const carousel = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(board, { media_source: { source_type: 'multiple_image_urls', items } }),
        });
        const slots = [{ title: 'First' }, { link: 'https://www.example.com/two' }];
        const updated = await call('PATCH', `/pins/${String(carousel.body.id)}`, { token: main.token, json: { carousel_slots: slots } });
        expect(updated.status).toBe(200);
        const media = updated.body.media as { items: Record<string, unknown>[] };
        expect(media.items.map((item) => [item.title, item.link])).toEqual([
            ['First', null],
            ['Slide 2', 'https://www.example.com/two'],
        ]);
        const wrongCount = await call('PATCH', `/pins/${String(carousel.body.id)}`, { token: main.token, json: { carousel_slots: [slots[0]] } });
        expect(wrongCount.status).toBe(400);
        const [image] = emulator.state.createPins(board, 1);
        expect((await call('PATCH', `/pins/${image!.id}`, { token: main.token, json: { carousel_slots: slots } })).status).toBe(400);
    });
});

describe('DELETE /pins/{pin_id}', () => {
    it('answers 204 with no body; the pin is gone from its board, the lists and GET (404 code 50 after)', async () => {
        const user = account('deleter');
        const own = emulator.state.createBoard(user.userId, { name: 'Deletes' }).id;
        const [keep, drop] = emulator.state.createPins(own, 2);
        const result = await fetch(`${emulator.baseUrl}/pins/${drop!.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${user.token}` } });
        clock += 25;
        expect(result.status).toBe(204);
        expect(await result.text()).toBe('');
        expect(emulator.requests.at(-1)).toMatchObject({ operationId: 'pins/delete', category: 'org_write', status: 204 });
        expect(emulator.state.getPin(drop!.id)).toBeUndefined();
        expect(emulator.state.listPinsOfBoard(own).map((p) => p.id)).toEqual([keep!.id]);
        expect(items(await call('GET', '/pins', { token: user.token })).map((p) => p.id)).toEqual([keep!.id]);
        expect((await call('GET', `/boards/${own}`, { token: user.token })).body.pin_count).toBe(1);
        const again = await call('DELETE', `/pins/${drop!.id}`, { token: user.token });
        expect(again.status).toBe(404);
        expect(again.body).toEqual({ code: 50, message: 'Pin not found.' });
    });

    it("refuses another user's public pin (403 code 29) and keeps it; an unknown id is 404, a malformed one 400", async () => {
        const owner = account('deleteowner');
        const [pin] = emulator.state.createPins(emulator.state.createBoard(owner.userId, { name: 'Theirs' }).id, 1);
        const foreign = await call('DELETE', `/pins/${pin!.id}`, { token: main.token });
        expect(foreign.status).toBe(403);
        expect(foreign.body.code).toBe(29);
        expect(emulator.state.getPin(pin!.id)).toBeDefined();
        expect((await call('DELETE', '/pins/999999999999', { token: main.token })).status).toBe(404);
        expect((await call('DELETE', '/pins/not-a-pin', { token: main.token })).status).toBe(400);
    });

    it('needs the write scopes the spec names (401 code 3)', async () => {
        const reader = account('readonlydeleter', { scopes: ['boards:read', 'pins:read'] });
        const [pin] = emulator.state.createPins(emulator.state.createBoard(reader.userId, { name: 'Read only' }).id, 1);
        const result = await call('DELETE', `/pins/${pin!.id}`, { token: reader.token });
        expect(result.status).toBe(401);
        expect(result.body).toEqual({ code: 3, message: expect.stringContaining('boards:write, pins:write') });
    });
});

describe('POST /pins/{pin_id}/save', () => {
    it('makes a new pin on the target board and section, with the content of the saved one and parent_pin_id', async () => {
        const user = account('saver');
        const target = emulator.state.createBoard(user.userId, { name: 'Saved' }).id;
        const section = emulator.state.createBoardSection(target, 'Favourites');
        const owner = account('savedfrom');
        const [source] = emulator.state.createPins(emulator.state.createBoard(owner.userId, { name: 'Public' }).id, 1, {
            title: 'Worth saving',
            link: 'https://www.example.com/worth',
        });
        const result = await call('POST', `/pins/${source!.id}/save`, {
            token: user.token,
            json: { board_id: target, board_section_id: section.id },
        });
        expect(result.status).toBe(201);
        expect(result.body).toMatchObject({
            board_id: target,
            board_section_id: section.id,
            parent_pin_id: source!.id,
            title: 'Worth saving',
            link: 'https://www.example.com/worth',
            is_owner: true,
        });
        expect(result.body.id).not.toBe(source!.id);
        expect(emulator.state.listPinsOfBoard(target).map((p) => p.id)).toEqual([result.body.id]);
        expect(emulator.state.getPin(source!.id)?.board_id).not.toBe(target);
        expect(emulator.requests.at(-1)?.category).toBe('org_write');
        const twice = await call('POST', `/pins/${source!.id}/save`, { token: user.token, json: { board_id: target } });
        expect(twice.body.id).not.toBe(result.body.id);
        expect(emulator.state.listPinsOfBoard(target)).toHaveLength(2);
    });

    it("refuses a pin it cannot see (404 code 50), another user's board (404 code 40), a foreign section (404 code 2031)", async () => {
        const owner = account('savetarget');
        const secret = emulator.state.createPins(emulator.state.createBoard(owner.userId, { name: 'Secret', privacy: 'SECRET' }).id, 1)[0]!;
        const theirBoard = emulator.state.createBoard(owner.userId, { name: 'Not yours' }).id;
        const [own] = emulator.state.createPins(board, 1);
        expect((await call('POST', `/pins/${secret.id}/save`, { token: main.token, json: { board_id: board } })).body).toEqual({
            code: 50,
            message: 'Pin not found.',
        });
        expect((await call('POST', `/pins/${own!.id}/save`, { token: main.token, json: { board_id: theirBoard } })).body).toEqual({
            code: 40,
            message: 'Board not found.',
        });
        const elsewhere = emulator.state.createBoardSection(theirBoard, 'Theirs');
        const section = await call('POST', `/pins/${own!.id}/save`, { token: main.token, json: { board_id: board, board_section_id: elsewhere.id } });
        expect(section.body).toEqual({ code: 2031, message: 'Board section not found.' });
        const noBoard = await call('POST', `/pins/${own!.id}/save`, { token: main.token, json: {} });
        expect(noBoard.status).toBe(400);
        expect(noBoard.body.message).toContain("'board_id'");
        const unknownField = await call('POST', `/pins/${own!.id}/save`, { token: main.token, json: { board_id: board, title: 'x' } });
        expect(unknownField.body).toEqual({ code: 1, message: expect.stringContaining("'title'") });
    });
});

describe('POST /pins carousels', () => {
    const item = (n: number): Record<string, unknown> => ({
        url: `https://www.example.com/${n}.jpg`,
        title: `Slide ${n}`,
        description: `About ${n}`,
        link: `https://www.example.com/${n}`,
    });

    it('takes 2 to 5 images and stores them as multiple_images', async () => {
        for (const size of [2, 5]) {
            const result = await call('POST', '/pins', {
                token: main.token,
                json: imagePin(board, {
                    media_source: { source_type: 'multiple_image_urls', items: Array.from({ length: size }, (_, i) => item(i + 1)) },
                }),
            });
            expect(result.status).toBe(201);
            expect(result.body.creative_type).toBe('CAROUSEL');
            const media = result.body.media as { media_type: string; items: Record<string, unknown>[] };
            expect(media.media_type).toBe('multiple_images');
            expect(media.items).toHaveLength(size);
            expect(media.items[0]).toMatchObject({ item_type: 'image', title: 'Slide 1', description: 'About 1', link: 'https://www.example.com/1' });
        }
    });

    it.each([
        ['1 image', 1],
        ['6 images', 6],
    ])('refuses %s with 400 code 1 naming media_source.items', async (_label, size) => {
        const result = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(board, { media_source: { source_type: 'multiple_image_urls', items: Array.from({ length: size }, (_, i) => item(i)) } }),
        });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining("'media_source.items'") });
    });

    it('refuses an unknown item field', async () => {
        const result = await call('POST', '/pins', {
            token: main.token,
            json: imagePin(board, { media_source: { source_type: 'multiple_image_urls', items: [item(1), { ...item(2), alt: 'x' }] } }),
        });
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining("'media_source.items[1].alt'") });
    });
});

describe('media uploads', () => {
    it('registers a video: 201 with media_id, an upload URL on this server and S3-style upload parameters', async () => {
        const registered = await registerVideo(main.token);
        expect(registered.media_id).toMatch(/^\d+$/);
        expect(registered.upload_url).toBe(`${emulator.origin}/media-uploads/${registered.media_id}`);
        expect(Object.keys(registered.upload_parameters).sort()).toEqual([
            'Content-Type',
            'key',
            'policy',
            'x-amz-algorithm',
            'x-amz-credential',
            'x-amz-date',
            'x-amz-security-token',
            'x-amz-signature',
        ]);
        expect(registered.upload_parameters).toMatchObject({ 'Content-Type': 'multipart/form-data', 'x-amz-algorithm': 'AWS4-HMAC-SHA256' });
        expect(registered.upload_parameters.key).toContain(registered.media_id);
        expect(emulator.requests.at(-1)?.category).toBe('org_write');
        const status = await call('GET', `/media/${registered.media_id}`, { token: main.token });
        expect(status.body).toEqual({ media_id: registered.media_id, media_type: 'video', status: 'registered' });
    });

    it.each([
        ['an unknown field', { media_type: 'video', size: 3 }, "'size'"],
        ['an image', { media_type: 'image' }, "'media_type'"],
        ['no media_type', {}, "'media_type'"],
    ])('refuses %s with 400 naming the field', async (_label, json, field) => {
        const result = await call('POST', '/media', { token: main.token, json });
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ code: 1, message: expect.stringContaining(field) });
    });

    it('accepts the upload without Authorization (204), then reports processing, processing, succeeded', async () => {
        const registered = await registerVideo(main.token);
        const bytes = Buffer.from('a'.repeat(100_000));
        const result = await upload(registered, { file: bytes });
        expect(result.status).toBe(204);
        expect(result.text).toBe('');
        const info = emulator.state.getMedia(registered.media_id);
        expect(info?.upload).toMatchObject({
            bytes: 100_000,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            filename: 'clip.mp4',
            contentType: 'video/mp4',
            authorizationHeader: false,
        });
        const recorded = emulator.requestsTo('POST', `/media-uploads/${registered.media_id}`);
        expect(recorded).toMatchObject([{ status: 204, category: null, authorization: false, body: { file: { bytes: 100_000 } } }]);
        expect(JSON.stringify(recorded)).not.toContain(registered.upload_parameters['x-amz-security-token']);
        expect(await pollStatuses(main.token, registered.media_id, 4)).toEqual(['processing', 'processing', 'succeeded', 'succeeded']);
    });

    it('streams a multi-megabyte file, counting and hashing it', async () => {
        const registered = await registerVideo(main.token);
        const bytes = Buffer.alloc(12 * 1024 * 1024, 7);
        expect((await upload(registered, { file: bytes })).status).toBe(204);
        expect(emulator.state.getMedia(registered.media_id)?.upload).toMatchObject({
            bytes: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
        });
    });

    it('records an Authorization header sent to the upload URL (but does not need one)', async () => {
        const registered = await registerVideo(main.token);
        expect((await upload(registered, { headers: { Authorization: `Bearer ${main.token}` } })).status).toBe(204);
        expect(emulator.state.getMedia(registered.media_id)?.upload?.authorizationHeader).toBe(true);
        expect(emulator.requestsTo('POST', `/media-uploads/${registered.media_id}`)[0]?.authorization).toBe(true);
    });

    it('answers 403 (S3 XML) unless the form holds exactly the upload parameters before the file', async () => {
        const registered = await registerVideo(main.token);
        const { policy: _policy, ...withoutPolicy } = registered.upload_parameters;
        const cases: [string, Parameters<typeof upload>[1]][] = [
            ['a missing field', { fields: withoutPolicy }],
            ['a changed key', { fields: { ...registered.upload_parameters, key: 'uploads/elsewhere' } }],
            ['a forged signature', { fields: { ...registered.upload_parameters, 'x-amz-signature': '0'.repeat(64) } }],
            ['an extra field', { fields: { ...registered.upload_parameters, acl: 'public-read' } }],
            ['the file first (later fields are ignored)', { fileFirst: true }],
        ];
        for (const [label, options] of cases) {
            const result = await upload(registered, options);
            expect(result.status, label).toBe(403);
            expect(result.headers.get('content-type')).toBe('application/xml');
            expect(result.text, label).toMatch(
                label === 'a forged signature' ? /<Code>SignatureDoesNotMatch<\/Code>/ : /<Error><Code>AccessDenied<\/Code><Message>.+<\/Message>/,
            );
        }
        const other = await registerVideo(main.token);
        expect((await upload(registered, { fields: other.upload_parameters })).status).toBe(403);
        expect((await upload({ ...registered, upload_url: `${emulator.origin}/media-uploads/999999999` })).status).toBe(403);
        const noFile = await upload(registered, { file: null });
        expect(noFile.status).toBe(400);
        expect(noFile.text).toContain('InvalidArgument');
        expect((await upload(registered, { method: 'PUT' })).status).toBe(405);
        const notMultipart = await fetch(registered.upload_url, { method: 'POST', body: 'raw bytes', headers: { 'Content-Type': 'video/mp4' } });
        expect(notMultipart.status).toBe(412);
        const broken = await fetch(registered.upload_url, {
            method: 'POST',
            body: '--xyz\r\nContent-Disposition: form-data; name="key"\r\n\r\nunterminated',
            headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
        });
        expect(broken.status).toBe(400);
        expect(await broken.text()).toContain('MalformedPOSTRequest');
        expect(emulator.state.getMedia(registered.media_id)?.status).toBe('registered');
        const late = await registerVideo(main.token);
        clock += 60 * 60 * 1000 + 1;
        const expired = await upload(late);
        expect(expired.status).toBe(403);
        expect(expired.text).toContain('Policy expired');
    });

    it('ends in failed for an empty file, for media marked to fail, and for the next registrations marked to fail', async () => {
        const empty = await registerVideo(main.token);
        expect((await upload(empty, { file: Buffer.alloc(0) })).status).toBe(204);
        expect(await pollStatuses(main.token, empty.media_id, 3)).toEqual(['processing', 'processing', 'failed']);

        const marked = await registerVideo(main.token);
        emulator.state.failMedia(marked.media_id);
        await upload(marked);
        expect(await pollStatuses(main.token, marked.media_id, 3)).toEqual(['processing', 'processing', 'failed']);

        emulator.state.failNextMedia(1);
        const doomed = await registerVideo(main.token);
        const fine = await registerVideo(main.token);
        await upload(doomed);
        await upload(fine);
        expect((await pollStatuses(main.token, doomed.media_id, 3)).at(-1)).toBe('failed');
        expect((await pollStatuses(main.token, fine.media_id, 3)).at(-1)).toBe('succeeded');
    });

    it('keeps media private to its owner and validates the id', async () => {
        const registered = await registerVideo(main.token);
        const stranger = account('mediastranger');
        const foreign = await call('GET', `/media/${registered.media_id}`, { token: stranger.token });
        expect(foreign.status).toBe(404);
        expect(foreign.body).toEqual({ code: 404, message: 'Media upload not found.' });
        const bad = await call('GET', '/media/abc', { token: main.token });
        expect(bad.status).toBe(400);
        expect(bad.body.message).toContain("'media_id'");
    });

    it("lists the user's media newest first, paginated", async () => {
        const user = account('medialister');
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push((await registerVideo(user.token)).media_id);
        const first = await call('GET', '/media', { token: user.token, query: { page_size: '2' } });
        expect(items(first)).toEqual([
            { media_id: ids[2], media_type: 'video', status: 'registered' },
            { media_id: ids[1], media_type: 'video', status: 'registered' },
        ]);
        const second = await call('GET', '/media', { token: user.token, query: { page_size: '2', bookmark: String(first.body.bookmark) } });
        expect(items(second).map((m) => m.media_id)).toEqual([ids[0]]);
        expect(second.body.bookmark).toBeNull();
        expect(emulator.state.mediaOf(user.userId).map((m) => m.media_id)).toEqual([...ids].reverse());
    });

    it('mediaProcessingPolls: 0 makes the first poll after the upload final', async () => {
        const quick = await startEmulator({ now, mediaProcessingPolls: 0 });
        try {
            const user = account('quickmedia', { on: quick });
            const registered = (await call('POST', '/media', { token: user.token, json: { media_type: 'video' }, on: quick }))
                .body as unknown as Registered;
            expect(registered.upload_url.startsWith(quick.origin)).toBe(true);
            expect((await upload(registered)).status).toBe(204);
            expect((await call('GET', `/media/${registered.media_id}`, { token: user.token, on: quick })).body.status).toBe('succeeded');
        } finally {
            await quick.close();
        }
    });
});

describe('POST /pins with video_id', () => {
    const videoPin = (
        mediaId: string,
        cover: Record<string, unknown> = { cover_image_url: 'https://www.example.com/cover.jpg' },
    ): Record<string, unknown> => imagePin(board, { title: 'Video pin', media_source: { source_type: 'video_id', media_id: mediaId, ...cover } });

    it('creates a video pin from a succeeded upload, with the cover in PinMediaWithVideo shape', async () => {
        const mediaId = await readyVideo(main.token);
        const result = await call('POST', '/pins', { token: main.token, json: videoPin(mediaId) });
        expect(result.status).toBe(201);
        expect(result.body.creative_type).toBe('VIDEO');
        expect(result.body.media).toEqual({
            media_type: 'video',
            cover_image_url: expect.stringMatching(/^https:\/\/i\.pinimg\.com\/videos\/thumbnails\/originals\//),
            duration: null,
            height: null,
            width: null,
            video_url: null,
            images: expect.objectContaining({ '1200x': expect.objectContaining({ width: 1200 }) }),
        });
        expect(emulator.state.listPinsOfBoard(board)[0]?.id).toBe(result.body.id);
        const fetched = await call('GET', `/pins/${String(result.body.id)}`, { token: main.token });
        expect(fetched.body.media).toEqual(result.body.media);
        const boardAfter = await call('GET', `/boards/${board}`, { token: main.token });
        expect(boardAfter.status).toBe(200);
    });

    it('accepts each kind of cover', async () => {
        const covers = [
            { cover_image_data: Buffer.from('png bytes').toString('base64'), cover_image_content_type: 'image/png' },
            { cover_image_key_frame_time: 3 },
        ];
        for (const cover of covers) {
            const mediaId = await readyVideo(main.token);
            expect((await call('POST', '/pins', { token: main.token, json: videoPin(mediaId, cover) })).status).toBe(201);
        }
    });

    it('refuses a video pin without a usable cover (400 code 1)', async () => {
        const mediaId = await readyVideo(main.token);
        const cases: [Record<string, unknown>, string][] = [
            [{}, 'cover image'],
            [{ cover_image_data: Buffer.from('x').toString('base64') }, 'cover_image_content_type'],
            [{ cover_image_content_type: 'image/png' }, 'cover_image_data'],
            [{ cover_image_url: 'https://covers.invalid/c.jpg' }, 'cover_image_url'],
            [{ cover_image_key_frame_time: -1 }, "'media_source.cover_image_key_frame_time'"],
            [{ cover_image_url: 'https://www.example.com/c.jpg', thumbnail: 'x' }, "'media_source.thumbnail'"],
        ];
        const count = emulator.state.createdPinCount();
        for (const [cover, mention] of cases) {
            const result = await call('POST', '/pins', { token: main.token, json: videoPin(mediaId, cover) });
            expect(result.status).toBe(400);
            expect(result.body).toEqual({ code: 1, message: expect.stringContaining(mention) });
        }
        expect(emulator.state.createdPinCount()).toBe(count);
    });

    it("refuses media that is not this user's, not uploaded, still processing or failed", async () => {
        const registered = await registerVideo(main.token);
        const notUploaded = await call('POST', '/pins', { token: main.token, json: videoPin(registered.media_id) });
        expect(notUploaded.body).toEqual({ code: 1, message: expect.stringContaining('is registered, not succeeded') });
        await upload(registered);
        const processing = await call('POST', '/pins', { token: main.token, json: videoPin(registered.media_id) });
        expect(processing.body.message).toContain('is processing');
        const failed = emulator.state.createVideoMedia(main.userId, { status: 'failed' });
        expect((await call('POST', '/pins', { token: main.token, json: videoPin(failed.media_id) })).body.message).toContain('is failed');
        const stranger = account('videostranger');
        const theirs = emulator.state.createVideoMedia(stranger.userId);
        expect(theirs.status).toBe('succeeded');
        const foreign = await call('POST', '/pins', { token: main.token, json: videoPin(theirs.media_id) });
        expect(foreign.status).toBe(400);
        expect(foreign.body.message).toContain('no media upload');
        expect((await call('POST', '/pins', { token: main.token, json: videoPin('123') })).status).toBe(400);
    });

    it('refuses video pins in the sandbox', async () => {
        const sandboxUser = account('sandboxvideo', { environment: 'sandbox' });
        const own = emulator.state.createBoard(sandboxUser.userId, { name: 'Sandbox' }).id;
        const media = emulator.state.createVideoMedia(sandboxUser.userId);
        const result = await call('POST', '/pins', {
            token: sandboxUser.token,
            json: { board_id: own, media_source: { source_type: 'video_id', media_id: media.media_id, cover_image_key_frame_time: 0 } },
        });
        expect(result.body).toEqual({ code: 1, message: 'Video Pins cannot be created in API Sandbox.' });
    });
});

describe('created_at and order', () => {
    it('stamps every created pin and lists a board newest first; createdPins() counts only API-created pins', async () => {
        const user = account('orderly');
        const own = emulator.state.createBoard(user.userId, { name: 'Order' }).id;
        emulator.state.createPins(own, 2);
        const before = emulator.state.createdPinCount();
        const ids: string[] = [];
        for (const title of ['first', 'second', 'third']) {
            const result = await call('POST', '/pins', { token: user.token, json: imagePin(own, { title }) });
            expect(result.body.created_at).toBe(new Date(clock).toISOString().slice(0, 19));
            ids.push(String(result.body.id));
        }
        const listed = await call('GET', `/boards/${own}/pins`, { token: user.token });
        expect(items(listed).map((p) => p.title)).toEqual(['third', 'second', 'first', 'Pin 2', 'Pin 1']);
        expect(emulator.state.createdPinCount()).toBe(before + 3);
        expect(
            emulator.state
                .createdPins()
                .slice(-3)
                .map((p) => p.id),
        ).toEqual(ids);
    });
});

describe('write rate limits', () => {
    it('counts POST /pins, /boards and /media against one org_write budget set by the rateLimits option', async () => {
        const tight = await startEmulator({ now, rateLimits: { standard: { org_write: [{ limit: 3, windowSec: 60 }] } } });
        try {
            const user = account('tightwriter', { on: tight });
            const own = tight.state.createBoard(user.userId, { name: 'Tight' }).id;
            clock = Math.ceil(clock / 60_000) * 60_000 + 1_000;
            const pin = await call('POST', '/pins', { token: user.token, json: imagePin(own), on: tight });
            expect(pin.status).toBe(201);
            expect(pin.headers.get('x-ratelimit-limit')).toBe('3, 3;w=60');
            expect(pin.headers.get('x-ratelimit-remaining')).toBe('2');
            expect(
                (await call('POST', '/boards', { token: user.token, json: { name: 'Second' }, on: tight })).headers.get('x-ratelimit-remaining'),
            ).toBe('1');
            expect(
                (await call('POST', '/media', { token: user.token, json: { media_type: 'video' }, on: tight })).headers.get('x-ratelimit-remaining'),
            ).toBe('0');
            const limited = await call('POST', '/pins', { token: user.token, json: imagePin(own), on: tight });
            expect(limited.status).toBe(429);
            expect(limited.body).toMatchObject({ code: 8 });
            expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
            // Reads keep their default budget.
            const read = await call('GET', '/boards', { token: user.token, on: tight });
            expect(read.headers.get('x-ratelimit-limit')).toBe('100, 100;w=1, 1000;w=60');
            expect(tight.state.createdPinCount()).toBe(1);
        } finally {
            await tight.close();
        }
    });
});

describe('publishing faults', () => {
    it('server-error-after-commit: the pin is created, the answer is a 5xx', async () => {
        const before = emulator.state.createdPinCount();
        emulator.injectFault({ kind: 'server-error-after-commit', status: 503, match: { method: 'POST', path: '/pins' } });
        const result = await call('POST', '/pins', { token: main.token, json: imagePin(board, { title: 'Committed then 503' }) });
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ code: 503, message: expect.any(String) });
        expect(emulator.state.createdPinCount()).toBe(before + 1);
        expect(emulator.state.listPinsOfBoard(board)[0]?.title).toBe('Committed then 503');
        expect(emulator.requestsTo('POST', '/pins').at(-1)).toMatchObject({ status: 503, fault: 'server-error-after-commit' });
        emulator.injectFault({ kind: 'server-error-after-commit', match: { method: 'POST', path: '/boards' } });
        expect((await call('POST', '/boards', { token: main.token, json: { name: 'Made despite 500' } })).status).toBe(500);
        expect(emulator.state.boardsOf(main.userId)[0]?.name).toBe('Made despite 500');
    });

    it('drop-after-commit: a POST /pins is carried out but the connection dies', async () => {
        const before = emulator.state.createdPinCount();
        emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: '/pins' } });
        await expect(
            fetch(`${emulator.baseUrl}/pins`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${main.token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(imagePin(board, { title: 'Dropped after commit' })),
            }),
        ).rejects.toThrow();
        expect(emulator.state.createdPinCount()).toBe(before + 1);
        expect(emulator.state.listPinsOfBoard(board)[0]?.title).toBe('Dropped after commit');
    });

    it('redirect: answers 302/307 with Location, without doing anything', async () => {
        const seen: (string | undefined)[] = [];
        const other = createServer((req, res) => {
            seen.push(req.headers.authorization);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end('{}');
        });
        await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
        try {
            const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/v5/pins`;
            const before = emulator.state.createdPinCount();
            for (const status of [undefined, 307]) {
                emulator.injectFault({ kind: 'redirect', location, ...(status ? { status } : {}), match: { method: 'POST', path: '/pins' } });
                const response = await fetch(`${emulator.baseUrl}/pins`, {
                    method: 'POST',
                    redirect: 'manual',
                    headers: { Authorization: `Bearer ${main.token}`, 'Content-Type': 'application/json' },
                    body: JSON.stringify(imagePin(board)),
                });
                expect(response.status).toBe(status ?? 302);
                expect(response.headers.get('location')).toBe(location);
            }
            expect(emulator.state.createdPinCount()).toBe(before);
            expect(seen).toEqual([]);
            expect(() => emulator.injectFault({ kind: 'redirect' })).toThrow(/location/);
            expect(() => emulator.injectFault({ kind: 'redirect', location, status: 200 })).toThrow(/status/);
        } finally {
            await new Promise<void>((resolve) => other.close(() => resolve()));
        }
    });

    it('retry-after: 429 code 8 or 503 with Retry-After; a 429 can leave out X-RateLimit-Reset', async () => {
        emulator.injectFault({ kind: 'retry-after', retryAfterSeconds: 7, match: { method: 'POST', path: '/pins' } });
        const limited = await call('POST', '/pins', { token: main.token, json: imagePin(board) });
        expect(limited.status).toBe(429);
        expect(limited.body).toMatchObject({ code: 8 });
        expect(limited.headers.get('retry-after')).toBe('7');
        expect(limited.headers.get('x-ratelimit-reset')).toBe('7');
        expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

        emulator.injectFault({ kind: 'retry-after', retryAfterSeconds: 3, omitRateLimitReset: true, match: { method: 'POST', path: '/pins' } });
        const bare = await call('POST', '/pins', { token: main.token, json: imagePin(board) });
        expect(bare.status).toBe(429);
        expect(bare.headers.get('retry-after')).toBe('3');
        expect(bare.headers.get('x-ratelimit-reset')).toBeNull();
        expect(bare.headers.get('x-ratelimit-limit')).toMatch(/;w=60/);

        emulator.injectFault({ kind: 'retry-after', status: 503, retryAfterSeconds: 2, match: { method: 'GET', path: '/boards' } });
        const unavailable = await call('GET', '/boards', { token: main.token });
        expect(unavailable.status).toBe(503);
        expect(unavailable.body).toMatchObject({ code: 503 });
        expect(unavailable.headers.get('retry-after')).toBe('2');
        expect(() => emulator.injectFault({ kind: 'retry-after', status: 500 })).toThrow(/429 or 503/);
    });

    it('html: a 200 text/html page instead of JSON, nothing done', async () => {
        const before = emulator.state.createdPinCount();
        emulator.injectFault({ kind: 'html', match: { method: 'POST', path: '/pins' } });
        const response = await fetch(`${emulator.baseUrl}/pins`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${main.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(imagePin(board)),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
        expect(emulator.state.createdPinCount()).toBe(before);
        emulator.injectFault({ kind: 'html', html: '<html>login</html>', match: { path: '/boards' } });
        const custom = await fetch(`${emulator.baseUrl}/boards`, { headers: { Authorization: `Bearer ${main.token}` } });
        expect(await custom.text()).toBe('<html>login</html>');
    });

    it('faults reach the upload URL only when their path names it', async () => {
        const registered = await registerVideo(main.token);
        emulator.injectFault({ kind: 'server-error', status: 500, match: { method: 'POST' } });
        emulator.injectFault({ kind: 'server-error', status: 503, match: { path: /^\/media-uploads\// } });
        const slowDown = await upload(registered);
        expect(slowDown.status).toBe(503);
        expect(slowDown.text).toContain('<Code>SlowDown</Code>');
        expect(emulator.state.getMedia(registered.media_id)?.status).toBe('registered');
        emulator.clearFaults();
        emulator.injectFault({ kind: 'drop', match: { path: `/media-uploads/${registered.media_id}` } });
        await expect(upload(registered)).rejects.toThrow();
        expect(await upload(registered).then((r) => r.status)).toBe(204);
    });
});

describe('listing lag', () => {
    it('keeps a new pin out of the next N list requests of GET /boards/{id}/pins and GET /pins, not out of GET /pins/{id}', async () => {
        const lagging = await startEmulator({ now, listingLag: { lists: 2 } });
        try {
            const user = account('lagging', { on: lagging });
            const own = lagging.state.createBoard(user.userId, { name: 'Lag' }).id;
            lagging.state.createPins(own, 1);
            const created = await call('POST', '/pins', { token: user.token, json: imagePin(own, { title: 'Fresh' }), on: lagging });
            const id = String(created.body.id);
            const titles = async (path: string): Promise<unknown[]> =>
                items(await call('GET', path, { token: user.token, on: lagging })).map((p) => p.title);
            expect(await titles(`/boards/${own}/pins`)).toEqual(['Pin 1']);
            expect(await titles('/pins')).toEqual(['Pin 1']);
            expect(await titles(`/boards/${own}/pins`)).toEqual(['Fresh', 'Pin 1']);
            expect(await titles('/pins')).toEqual(['Fresh', 'Pin 1']);
            expect(lagging.state.listPinsOfBoard(own)[0]?.id).toBe(id);
        } finally {
            await lagging.close();
        }
    });

    it('by time: setListingLag({ ms }) hides new pins until the emulator clock has moved on', async () => {
        emulator.state.setListingLag({ ms: 5_000 });
        const user = account('timelag');
        const own = emulator.state.createBoard(user.userId, { name: 'Time lag' }).id;
        const created = await call('POST', '/pins', { token: user.token, json: imagePin(own, { title: 'Later' }) });
        expect(items(await call('GET', `/boards/${own}/pins`, { token: user.token }))).toEqual([]);
        expect((await call('GET', `/pins/${String(created.body.id)}`, { token: user.token })).status).toBe(200);
        clock += 5_000;
        expect(items(await call('GET', `/boards/${own}/pins`, { token: user.token })).map((p) => p.title)).toEqual(['Later']);
        expect(() => emulator.state.setListingLag({ lists: -1 })).toThrow(/listingLag/);
    });
});
