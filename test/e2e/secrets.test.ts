import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import type { ActorRun } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

const CREDENTIALS_STORE = 'my-pinterest-credentials';

/**
 * Every place a run can write to (on the platform also its status messages), except the one store made for
 * credentials and the INPUT record, which is the user's own input as the harness (on the platform: Apify,
 * encrypting secret fields) put it there.
 */
function everythingWritten(run: ActorRun): Array<{ where: string; text: string }> {
    return [
        { where: 'process output', text: run.log },
        ...run
            .storedTexts()
            .filter(
                (file) =>
                    !file.path.startsWith(`key_value_stores/${CREDENTIALS_STORE}/`) && !/^key_value_stores\/default\/INPUT(\.json)?$/.test(file.path),
            )
            .map((file) => ({ where: file.path, text: file.text })),
    ];
}

function expectNoSecrets(runs: ActorRun[], secrets: string[]): void {
    for (const run of runs) {
        for (const { where, text } of everythingWritten(run)) {
            for (const secret of secrets) {
                expect(text.includes(secret), `a secret leaked into ${where}`).toBe(false);
            }
        }
    }
}

describe.each(WORLDS)('secrets never leave the credentials store (%s)', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;

    beforeAll(async () => {
        emulator = await startEmulator();
    });

    afterAll(async () => emulator.close());

    it('in successful, failing and refreshing runs alike', async () => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username: 'secretive' });
        const boardId = emulator.state.createBoard(user.id, { name: 'Private Thoughts' }).id;
        emulator.state.createPins(boardId, 300);
        const tokens = emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ALL_SCOPES });
        const readOnly = emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ['boards:read'] });
        const space = world.newSpace();
        const basicAuth = Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64');
        const trio = { refreshToken: tokens.refreshToken, appId: app.appId, appSecret: app.appSecret, credentialsStoreName: CREDENTIALS_STORE };
        const pin = { boardId, pinTitle: 'Secret', imageUrl: 'https://example.com/s.jpg' };

        emulator.injectFault({ kind: 'expire-token', match: { method: 'GET', path: `/v5/boards/${boardId}/pins` }, skip: 1 });
        const runs = [
            await space.run({
                baseUrl: emulator.baseUrl,
                payPerEvent: true,
                input: { mode: 'get-user-pins', boardId, maxItems: 300, accessToken: tokens.accessToken, ...trio },
            }),
            await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, input: { mode: 'create-pin', ...pin, ...trio } }),
            // The queue's modes write to the queue store and the dataset too.
            await space.run({ baseUrl: emulator.baseUrl, input: { mode: 'pause-queue', ...trio } }),
            await space.run({
                baseUrl: emulator.baseUrl,
                input: { mode: 'update-scheduled', scheduleIds: ['3f9a0c2e71b84d5e9a10'], changes: { pinTitle: 'Renamed' }, ...trio },
            }),
            await space.run({ baseUrl: emulator.baseUrl, input: { mode: 'resume-queue', ...trio } }),
            await world.run({ baseUrl: emulator.baseUrl, input: { mode: 'create-pin', ...pin, accessToken: readOnly.accessToken } }),
            await world.run({ baseUrl: emulator.baseUrl, input: { accessToken: tokens.accessToken, maxItems: 'lots' } }),
            await world.run({ baseUrl: emulator.baseUrl, input: { accessToken: 'pina_totally_invalid_token_value' } }),
            await world.run({
                baseUrl: emulator.baseUrl,
                input: { refreshToken: 'pinr_revoked_refresh_token', appId: app.appId, appSecret: app.appSecret },
            }),
        ];
        expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);

        const stored = Object.values(space.namedStore(CREDENTIALS_STORE)) as Array<Record<string, string>>;
        expect(stored).toHaveLength(1);
        const rotated = [String(stored[0]?.accessToken), String(stored[0]?.refreshToken)];
        expect(rotated.every((token) => token.length > 10)).toBe(true);

        // The scan sees what the runs stored, in either world: the dataset, the ledger, the run's records.
        const scanned = runs.flatMap((run) => everythingWritten(run).map(({ where }) => where));
        for (const place of [
            'datasets/default/',
            'key_value_stores/pinterest-pin-ledger/',
            'key_value_stores/pinterest-pin-queue/',
            'key_value_stores/default/OUTPUT',
        ]) {
            expect(
                scanned.some((where) => where.startsWith(place)),
                place,
            ).toBe(true);
        }
        expectNoSecrets(runs, [
            tokens.accessToken,
            tokens.refreshToken,
            readOnly.accessToken,
            app.appSecret,
            basicAuth,
            ...rotated,
            'pina_totally_invalid_token_value',
            'pinr_revoked_refresh_token',
        ]);
    }, 120_000);
});
