import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { runActor, sumCharges } from './harness.js';

let emulator: PinterestEmulator;
let userId: string;
let appId: string;
let token: string;
let boardId: string;

beforeAll(async () => {
    emulator = await startEmulator();
    appId = emulator.state.createApp({}).appId;
    userId = emulator.state.createUser({ username: 'errors' }).id;
    token = emulator.state.issueTokens({ userId, appId, scopes: ALL_SCOPES }).accessToken;
    boardId = emulator.state.createBoard(userId, { name: 'Board' }).id;
});

afterAll(async () => emulator.close());

describe('invalid input', () => {
    it('fails before any request, names each field and its limit, and charges nothing', async () => {
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'create-pin',
                accessToken: token,
                boardId,
                pinTitle: 't'.repeat(101),
                pinDescription: 'd'.repeat(801),
                imageUrl: 'nope',
                maxItems: 20_000,
            },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'Invalid input: pinTitle must be at most 100 characters; pinDescription must be at most 800 characters; imageUrl must be a full http(s) URL, for example https://example.com/image.jpg',
        );
        expect(emulator.requests).toHaveLength(0);
        expect(run.items).toEqual([]);
        expect(run.charges).toEqual([]);
    });

    it('explains a missing token in one sentence', async () => {
        const run = await runActor({ baseUrl: emulator.baseUrl, input: { mode: 'list-boards' } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe('Invalid input: accessToken is required (or give refreshToken, appId and appSecret so the Actor can get one)');
    });

    it('rejects a malformed PINTEREST_API_BASE_URL before any request', async () => {
        const run = await runActor({ baseUrl: 'localhost:9', input: { accessToken: token } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'The environment variable PINTEREST_API_BASE_URL must be an http(s) URL such as http://127.0.0.1:8080/v5, not "localhost:9": fix or unset it.',
        );
    });
});

describe('API errors become one actionable sentence', () => {
    it('401 code 2: invalid or expired token', async () => {
        const run = await runActor({ baseUrl: emulator.baseUrl, payPerEvent: true, input: { accessToken: 'pina_not_a_real_token' } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(
            /^The Pinterest access token is invalid or expired: generate a new one at developers\.pinterest\.com, or give refreshToken, appId and appSecret/,
        );
        expect(run.statusMessage).toMatch(/Pinterest request id: \w+/);
        expect(run.charges).toEqual([]);
    });

    it('401 code 3: names the scopes create-pin needs', async () => {
        const readOnly = emulator.state.issueTokens({ userId, appId, scopes: ['boards:read', 'pins:read', 'user_accounts:read'] }).accessToken;
        emulator.resetRequests();
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'create-pin', accessToken: readOnly, boardId, pinTitle: 'Hello', imageUrl: 'https://example.com/a.jpg' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(
            /^The Pinterest token is not allowed to do this \(pins\/create\): authorise your app again with the scopes boards:read, boards:write, pins:read, pins:write/,
        );
        expect(emulator.state.listPinsOfBoard(boardId)).toHaveLength(0);
        expect(sumCharges(run.charges, 'pin-created')).toBe(0);
    });

    it('401 code 3 on a list names the scopes that mode needs', async () => {
        const boardsOnly = emulator.state.issueTokens({ userId, appId, scopes: ['boards:read'] }).accessToken;
        const run = await runActor({ baseUrl: emulator.baseUrl, input: { mode: 'get-user-pins', accessToken: boardsOnly, boardId } });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/with the scopes boards:read, pins:read/);
        // Preflight's own scope is missing too, which only warns.
        expect(run.log).toMatch(/Preflight could not read the account: the token lacks user_accounts:read/);
    });

    it('403 code 29: a Trial app writing to production is told to use the sandbox', async () => {
        const trialApp = emulator.state.createApp({ trial: true });
        const trialToken = emulator.state.issueTokens({ userId, appId: trialApp.appId, scopes: ALL_SCOPES }).accessToken;
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: {
                mode: 'create-pin',
                accessToken: trialToken,
                boardId,
                pinTitle: 'Hello',
                imageUrl: 'https://example.com/a.jpg',
                skipPreflight: true,
            },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(
            /^Your Pinterest app has Trial access, which cannot create pins in production: set environment to "sandbox"/,
        );
    });

    it('404: names the board that was not found', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            input: { mode: 'get-user-pins', accessToken: token, boardId: '999999999999999999' },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Pinterest could not find board 999999999999999999, or your token cannot see it: check the id/);
    });

    it('404 on create-pin names the board too, and nothing is charged', async () => {
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'create-pin',
                accessToken: token,
                boardId: '999999999999999999',
                pinTitle: 'Hello',
                imageUrl: 'https://example.com/a.jpg',
            },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Pinterest could not find board 999999999999999999, or your token cannot see it/);
        expect(run.charges).toEqual([]);
    });
});
