import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { useWorld, WORLDS } from './worlds.js';

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let app: { appId: string; appSecret: string };
    let userId: string;
    let boardId: string;

    beforeAll(async () => {
        emulator = await startEmulator();
        app = emulator.state.createApp({});
        userId = emulator.state.createUser({ username: 'rotator', accountType: 'BUSINESS' }).id;
        boardId = emulator.state.createBoard(userId, { name: 'Rotation' }).id;
        emulator.state.createPins(boardId, 600);
    });

    afterAll(async () => emulator.close());

    beforeEach(() => {
        emulator.clearFaults();
        emulator.resetRequests();
    });

    const refreshTrio = (refreshToken: string) => ({ refreshToken, appId: app.appId, appSecret: app.appSecret });

    describe('refresh flow', () => {
        it('works with only refreshToken, appId and appSecret, storing the rotated tokens', async () => {
            const { refreshToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const run = await world.run({ baseUrl: emulator.baseUrl, input: { mode: 'list-boards', ...refreshTrio(refreshToken) } });

            expect(run.exitCode).toBe(0);
            expect(run.items).toHaveLength(1);
            expect(run.log).toMatch(/Connected to Pinterest as @rotator \(business account\)/);
            expect(emulator.requestsTo('POST', '/v5/oauth/token')).toHaveLength(1);

            const records = Object.values(run.namedStore('pinterest-credentials'));
            expect(records).toHaveLength(1);
            const [record] = records as Array<Record<string, unknown>>;
            expect(record).toMatchObject({ version: 1, appId: app.appId, environment: 'production' });
            expect(record?.refreshToken).not.toBe(refreshToken);
            expect(emulator.state.isRefreshTokenValid(refreshToken)).toBe(false);
            expect(emulator.state.isRefreshTokenValid(String(record?.refreshToken))).toBe(true);
        });

        it('refreshes once when the access token expires mid-run, losing and repeating nothing', async () => {
            const tokens = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            emulator.injectFault({ kind: 'expire-token', match: { method: 'GET', path: `/v5/boards/${boardId}/pins` }, skip: 1 });

            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'get-user-pins', boardId, maxItems: 600, accessToken: tokens.accessToken, ...refreshTrio(tokens.refreshToken) },
            });
            expect(run.exitCode).toBe(0);
            expect(run.items).toHaveLength(600);
            expect(new Set(run.items.map((item) => item.id)).size).toBe(600);
            expect(emulator.requestsTo('POST', '/v5/oauth/token')).toHaveLength(1);
            const pages = emulator.requestsTo('GET', `/v5/boards/${boardId}/pins`);
            expect(pages.map((request) => request.status)).toEqual([200, 401, 200, 200]);
            expect(pages[1]?.query.bookmark).toBe(pages[2]?.query.bookmark);
        });

        it('keeps working across runs that all start from the same original refresh token', async () => {
            const space = world.newSpace();
            const original = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const input = { mode: 'list-boards', ...refreshTrio(original.refreshToken) };

            const first = await space.run({ baseUrl: emulator.baseUrl, input });
            expect(first.exitCode).toBe(0);
            expect(emulator.state.isRefreshTokenValid(original.refreshToken)).toBe(false);

            // A month later the stored access token has expired too; the input still holds the dead original.
            const [stored] = Object.values(space.namedStore('pinterest-credentials')) as Array<Record<string, string>>;
            emulator.state.expireAccessToken(String(stored?.accessToken));

            const second = await space.run({ baseUrl: emulator.baseUrl, input });
            expect(second.exitCode).toBe(0);
            expect(second.items).toHaveLength(1);
            expect(second.log).toMatch(/Using the newest Pinterest tokens saved in key-value store "pinterest-credentials"/);
            const refreshes = emulator.requestsTo('POST', '/v5/oauth/token');
            expect(refreshes.map((request) => request.status)).toEqual([200, 200]);
        });

        it('lets two overlapping runs start from the same refresh token: the one that loses the refresh takes the pair the other saved', async () => {
            const space = world.newSpace();
            const original = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const input = { mode: 'list-boards', ...refreshTrio(original.refreshToken) };
            // The first refresh's answer is held back, so that the other run refreshes with the same token meanwhile and
            // Pinterest refuses it (a slower machine may start the second run late: it then finds the saved pair at once).
            emulator.injectFault({ kind: 'slow', delayMs: 2_000, match: { method: 'POST', path: '/v5/oauth/token' } });
            const runs = await Promise.all([1, 2].map(() => space.run({ baseUrl: emulator.baseUrl, input })));
            expect(runs.map((run) => [run.exitCode, run.statusMessage])).toEqual([
                [0, 'Fetched 1 board.'],
                [0, 'Fetched 1 board.'],
            ]);
            expect(emulator.requestsTo('POST', '/v5/oauth/token').filter((request) => request.status === 200)).toHaveLength(1);
            const [stored] = Object.values(space.namedStore('pinterest-credentials')) as Array<Record<string, string>>;
            expect(emulator.state.isRefreshTokenValid(String(stored?.refreshToken))).toBe(true);
        });

        it('lets several accounts share one credentials store', async () => {
            const space = world.newSpace();
            const other = emulator.state.createUser({ username: 'second' });
            const first = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const second = emulator.state.issueTokens({ userId: other.id, appId: app.appId, scopes: ALL_SCOPES });
            await space.run({ baseUrl: emulator.baseUrl, input: refreshTrio(first.refreshToken) });
            const run = await space.run({ baseUrl: emulator.baseUrl, input: refreshTrio(second.refreshToken) });
            expect(run.log).toMatch(/Connected to Pinterest as @second/);
            expect(Object.keys(space.namedStore('pinterest-credentials'))).toHaveLength(2);
        });

        it('warns in the status message when the refresh token expires within 14 days', async () => {
            const { refreshToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES, refreshTokenTtlSec: 10 * 86_400 });
            const run = await world.run({ baseUrl: emulator.baseUrl, input: refreshTrio(refreshToken) });
            expect(run.exitCode).toBe(0);
            expect(run.statusMessage).toMatch(
                /^Fetched 1 board\. Warning: the Pinterest refresh token expires on \d{4}-\d{2}-\d{2} \(in (9|10) days\) and Pinterest did not extend it: authorise the app again \(npm run auth\)/,
            );
            // Said once: in the status message, which the log shows.
            expect(run.log.split('Warning: the Pinterest refresh token expires').length - 1).toBe(1);
        });

        it('does not warn while the refresh token has longer to live', async () => {
            const { refreshToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const run = await world.run({ baseUrl: emulator.baseUrl, input: refreshTrio(refreshToken) });
            expect(run.statusMessage).toBe('Fetched 1 board.');
        });

        it('fails with a clear sentence when the refresh token was revoked', async () => {
            const { refreshToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            emulator.state.revokeRefreshToken(refreshToken);
            const run = await world.run({ baseUrl: emulator.baseUrl, input: refreshTrio(refreshToken) });
            expect(run.exitCode).toBe(1);
            expect(run.statusMessage).toMatch(
                /^Pinterest refused to refresh the access token: the refresh token is revoked, expired or already replaced\. Authorise the app again \(npm run auth\) and put the new refreshToken in the input\./,
            );
        });

        it('names wrong app credentials', async () => {
            const { refreshToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            const run = await world.run({ baseUrl: emulator.baseUrl, input: { refreshToken, appId: app.appId, appSecret: 'wrong-secret-1234' } });
            expect(run.exitCode).toBe(1);
            expect(run.statusMessage).toMatch(/^Pinterest rejected the app credentials while refreshing the token: check appId and appSecret/);
        });
    });

    // The start-up check reads nothing from storage: once, locally, is enough.
    describe.runIf(worldName === 'local')('preflight', () => {
        it('stops a create-pin run whose token lacks write scopes, before posting', async () => {
            const { refreshToken } = emulator.state.issueTokens({
                userId,
                appId: app.appId,
                scopes: ['boards:read', 'pins:read', 'user_accounts:read'],
            });
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'create-pin', boardId, pinTitle: 'Nope', imageUrl: 'https://example.com/a.jpg', ...refreshTrio(refreshToken) },
            });
            expect(run.exitCode).toBe(1);
            expect(run.statusMessage).toBe(
                'The Pinterest token lacks the scopes boards:write, pins:write, which mode create-pin needs: authorise your app again with boards:read, boards:write, pins:read, pins:write (npm run auth), then use the new tokens.',
            );
            expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(0);
        });

        it('stops a Trial app from posting to production before any write, and lets it post in the sandbox', async () => {
            const trialApp = emulator.state.createApp({ trial: true });
            const production = emulator.state.issueTokens({ userId, appId: trialApp.appId, scopes: ALL_SCOPES });
            const pin = { mode: 'create-pin', boardId, pinTitle: 'Trial pin', imageUrl: 'https://example.com/a.jpg' };

            const blocked = await world.run({ baseUrl: emulator.baseUrl, input: { ...pin, accessToken: production.accessToken } });
            expect(blocked.exitCode).toBe(1);
            expect(blocked.statusMessage).toMatch(
                /^Your Pinterest app has Trial access, which cannot create pins in production: set environment to "sandbox"/,
            );
            expect(blocked.log).toMatch(/app with Trial access/);
            expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(0);

            const sandbox = emulator.state.issueTokens({ userId, appId: trialApp.appId, scopes: ALL_SCOPES, environment: 'sandbox' });
            const allowed = await world.run({
                baseUrl: emulator.baseUrl,
                input: { ...pin, environment: 'sandbox', accessToken: sandbox.accessToken },
            });
            expect(allowed.exitCode).toBe(0);
            expect(allowed.items).toHaveLength(1);
        });

        it('is skipped with skipPreflight, saving the request', async () => {
            const { accessToken } = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
            await world.run({ baseUrl: emulator.baseUrl, input: { accessToken, skipPreflight: true } });
            expect(emulator.requestsTo('GET', '/v5/user_account')).toHaveLength(0);
        });
    });
});
