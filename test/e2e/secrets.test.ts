import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { type ActorRun, newStorageDir, readKeyValueStore, runActor, storageFiles } from './harness.js';

const CREDENTIALS_STORE = 'my-pinterest-credentials';

let emulator: PinterestEmulator;

beforeAll(async () => {
    emulator = await startEmulator();
});

afterAll(async () => emulator.close());

/**
 * Every place a run can write to, except the one store made for credentials and the INPUT record, which is the
 * user's own input as the harness (on the platform: Apify, encrypting secret fields) put it there.
 */
function everythingWritten(run: ActorRun): Array<{ where: string; text: string }> {
    return [
        { where: 'process output', text: run.log },
        ...storageFiles(run.storageDir)
            .filter((file) => !file.path.startsWith(`key_value_stores/${CREDENTIALS_STORE}/`) && file.path !== 'key_value_stores/default/INPUT.json')
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

describe('secrets never leave the credentials store', () => {
    it('in successful, failing and refreshing runs alike', async () => {
        const app = emulator.state.createApp({});
        const user = emulator.state.createUser({ username: 'secretive' });
        const boardId = emulator.state.createBoard(user.id, { name: 'Private Thoughts' }).id;
        emulator.state.createPins(boardId, 300);
        const tokens = emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ALL_SCOPES });
        const readOnly = emulator.state.issueTokens({ userId: user.id, appId: app.appId, scopes: ['boards:read'] });
        const storageDir = newStorageDir();
        const basicAuth = Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64');
        const trio = { refreshToken: tokens.refreshToken, appId: app.appId, appSecret: app.appSecret, credentialsStoreName: CREDENTIALS_STORE };
        const pin = { boardId, pinTitle: 'Secret', imageUrl: 'https://example.com/s.jpg' };

        emulator.injectFault({ kind: 'expire-token', match: { method: 'GET', path: `/v5/boards/${boardId}/pins` }, skip: 1 });
        const runs = [
            await runActor({
                baseUrl: emulator.baseUrl,
                payPerEvent: true,
                storageDir,
                input: { mode: 'get-user-pins', boardId, maxItems: 300, accessToken: tokens.accessToken, ...trio },
            }),
            await runActor({ baseUrl: emulator.baseUrl, payPerEvent: true, storageDir, input: { mode: 'create-pin', ...pin, ...trio } }),
            await runActor({ baseUrl: emulator.baseUrl, input: { mode: 'create-pin', ...pin, accessToken: readOnly.accessToken } }),
            await runActor({ baseUrl: emulator.baseUrl, input: { accessToken: tokens.accessToken, maxItems: 'lots' } }),
            await runActor({ baseUrl: emulator.baseUrl, input: { accessToken: 'pina_totally_invalid_token_value' } }),
            await runActor({
                baseUrl: emulator.baseUrl,
                input: { refreshToken: 'pinr_revoked_refresh_token', appId: app.appId, appSecret: app.appSecret },
            }),
        ];
        expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 1, 1, 1, 1]);

        const stored = Object.values(readKeyValueStore(storageDir, CREDENTIALS_STORE)) as Array<Record<string, string>>;
        expect(stored).toHaveLength(1);
        const rotated = [String(stored[0]?.accessToken), String(stored[0]?.refreshToken)];
        expect(rotated.every((token) => token.length > 10)).toBe(true);

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
