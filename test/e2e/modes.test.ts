import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { runActor } from './harness.js';

let emulator: PinterestEmulator;
let token: string;
let userId: string;
let recipesBoardId: string;
let emptyBoardId: string;

beforeAll(async () => {
    emulator = await startEmulator();
    const app = emulator.state.createApp({});
    const user = emulator.state.createUser({ username: 'janedoe', accountType: 'BUSINESS' });
    userId = user.id;
    token = emulator.state.issueTokens({
        userId,
        appId: app.appId,
        scopes: ['boards:read', 'boards:read_secret', 'boards:write', 'pins:read', 'pins:write', 'user_accounts:read'],
    }).accessToken;
    const recipes = emulator.state.createBoard(userId, { name: 'Summer Recipes', description: 'Cool dishes', privacy: 'PUBLIC' });
    recipesBoardId = recipes.id;
    emulator.state.createPins(recipes.id, 30);
    emulator.state.createBoard(userId, { name: 'Secret Plans', privacy: 'SECRET' });
    emptyBoardId = emulator.state.createBoard(userId, { name: 'Empty Board' }).id;
});

afterAll(async () => emulator.close());

describe('list-boards', () => {
    it('lists the boards as flat items and says what it did', async () => {
        emulator.resetRequests();
        const run = await runActor({ baseUrl: emulator.baseUrl, input: { mode: 'list-boards', accessToken: token } });

        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(3);
        expect(run.items.find((item) => item.name === 'Summer Recipes')).toMatchObject({
            type: 'board',
            id: recipesBoardId,
            description: 'Cool dishes',
            privacy: 'PUBLIC',
            pinCount: 30,
            ownerUsername: 'janedoe',
            url: 'https://www.pinterest.com/janedoe/summer-recipes/',
        });
        for (const item of run.items)
            expect(Object.keys(item)).toEqual(
                expect.arrayContaining(['id', 'name', 'description', 'privacy', 'pinCount', 'followerCount', 'createdAt', 'url']),
            );
        expect(run.statusMessage).toBe('Fetched 3 boards.');
        // Preflight plus one page.
        expect(emulator.requestsTo('GET', '/v5/user_account')).toHaveLength(1);
        expect(emulator.requestsTo('GET', '/v5/boards')).toHaveLength(1);
        expect(emulator.requestsTo('GET', '/v5/boards')[0]?.query).toEqual({ page_size: '25' });
    });

    it('passes the privacy filter to the API', async () => {
        emulator.resetRequests();
        const run = await runActor({ baseUrl: emulator.baseUrl, input: { accessToken: token, boardPrivacy: 'SECRET', skipPreflight: true } });
        expect(run.exitCode).toBe(0);
        expect(run.items.map((item) => item.name)).toEqual(['Secret Plans']);
        expect(emulator.requestsTo('GET', '/v5/boards')[0]?.query).toMatchObject({ privacy: 'SECRET' });
        expect(emulator.requestsTo('GET', '/v5/user_account')).toHaveLength(0);
        expect(run.statusMessage).toBe('Fetched 1 board (privacy SECRET).');
    });
});

describe('get-user-pins', () => {
    it('lists the pins of a board with metrics when asked', async () => {
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: recipesBoardId, maxItems: 10, includeMetrics: true, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(10);
        const [first] = run.items;
        expect(first).toMatchObject({ type: 'pin', boardId: recipesBoardId, url: `https://www.pinterest.com/pin/${String(first?.id)}/` });
        expect(String(first?.imageUrl)).toMatch(/^https:\/\//);
        expect(first?.metrics).toMatchObject({ last90Days: expect.any(Object), lifetime: expect.any(Object) });
        const [request] = emulator.requestsTo('GET', `/v5/boards/${recipesBoardId}/pins`);
        expect(request?.query).toEqual({ page_size: '10', pin_metrics: 'true' });
        expect(run.statusMessage).toBe(`Fetched 10 pins from board ${recipesBoardId} with metrics; the board has more: raise maxItems.`);
    });

    it('lists all pins of the account without a board, and no metrics unless asked', async () => {
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, maxItems: 100, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(30);
        expect(run.items.every((item) => item.metrics === undefined)).toBe(true);
        expect(emulator.requestsTo('GET', '/v5/pins')).toHaveLength(1);
        expect(run.statusMessage).toBe('Fetched 30 pins from your account.');
    });

    it('succeeds with nothing on an empty board', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: emptyBoardId, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toEqual([]);
        expect(run.statusMessage).toBe(`Fetched 0 pins from board ${emptyBoardId}.`);
    });
});

describe('pagination', () => {
    // The same arithmetic at 10,000 items (40 requests) is `npm run bench`'s: timing has no place in a test.
    it('fetches exactly maxItems across pages with the fewest requests: 1000 items in 4 requests', async () => {
        const big = emulator.state.createBoard(userId, { name: 'Big Board' });
        emulator.state.createPins(big.id, 1_050);
        emulator.resetRequests();

        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: big.id, maxItems: 1_000, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(1_000);
        expect(new Set(run.items.map((item) => item.id)).size).toBe(1_000);
        const requests = emulator.requestsTo('GET', `/v5/boards/${big.id}/pins`);
        expect(requests).toHaveLength(4);
        expect(requests.every((request) => request.query.page_size === '250')).toBe(true);
        expect(requests[0]?.query.bookmark).toBeUndefined();
        expect(requests.slice(1).every((request) => typeof request.query.bookmark === 'string')).toBe(true);
        expect(run.statusMessage).toBe(`Fetched 1,000 pins from board ${big.id}; the board has more: raise maxItems.`);
        expect(run.log).toContain('Fetched 250 of up to 1,000 pins.');
        expect(run.log).toContain('Fetched 750 of up to 1,000 pins.');
    });

    it('shrinks the last page to what is still wanted', async () => {
        const board = emulator.state.createBoard(userId, { name: 'Mid Board' });
        emulator.state.createPins(board.id, 600);
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: board.id, maxItems: 260, skipPreflight: true },
        });
        expect(run.items).toHaveLength(260);
        expect(emulator.requestsTo('GET', `/v5/boards/${board.id}/pins`).map((request) => request.query.page_size)).toEqual(['250', '10']);
    });

    it('stops when the list ends before maxItems', async () => {
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: recipesBoardId, maxItems: 5000, skipPreflight: true },
        });
        expect(run.items).toHaveLength(30);
        expect(emulator.requestsTo('GET', `/v5/boards/${recipesBoardId}/pins`)).toHaveLength(1);
    });
});

describe('create-pin', () => {
    it('creates one pin with the given fields and reports it', async () => {
        emulator.resetRequests();
        const before = emulator.state.listPinsOfBoard(recipesBoardId).length;
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: {
                mode: 'create-pin',
                accessToken: token,
                boardId: recipesBoardId,
                pinTitle: 'Lemon tart',
                pinDescription: 'd'.repeat(800),
                imageUrl: 'https://example.com/tart.jpg',
                linkUrl: 'https://example.com/recipes/tart',
                altText: 'A lemon tart on a plate',
            },
        });
        expect(run.exitCode).toBe(0);
        expect(emulator.state.listPinsOfBoard(recipesBoardId)).toHaveLength(before + 1);
        const [request] = emulator.requestsTo('POST', '/v5/pins');
        expect(request?.body).toEqual({
            board_id: recipesBoardId,
            title: 'Lemon tart',
            description: 'd'.repeat(800),
            link: 'https://example.com/recipes/tart',
            alt_text: 'A lemon tart on a plate',
            media_source: { source_type: 'image_url', url: 'https://example.com/tart.jpg' },
        });
        expect(run.items).toHaveLength(1);
        const [created] = run.items;
        expect(created).toMatchObject({
            type: 'pinResult',
            status: 'created',
            position: 1,
            source: 'input',
            boardId: recipesBoardId,
            title: 'Lemon tart',
            error: null,
        });
        expect(emulator.state.getPin(String(created?.id))).toBeDefined();
        expect(created?.url).toBe(`https://www.pinterest.com/pin/${String(created?.id)}/`);
        expect(run.statusMessage).toBe(`Created pin ${String(created?.id)} on board ${recipesBoardId}: ${String(created?.url)}`);
    });
});
