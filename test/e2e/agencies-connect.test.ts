/**
 * Agencies, end to end against the emulator in both worlds: connect-account from the authorization URL to tokens
 * stored under a label (no secret anywhere else), its one-sentence refusals, and Business Access (`adAccountId`):
 * a pin on the client's board, kept in the client's ledger, and a role that may not create pins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { storedCredentialsSchema } from '../../src/credentials/manager.js';
import { labelledCredentialsKey } from '../../src/credentials/store.js';
import { DEFAULT_SCOPES } from '../../src/pinterest/authorize.js';
import { accountHash } from '../../src/publish/ledger.js';
import { DEFAULT_LEDGER_STORE } from '../../src/publish/options.js';
import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import type { ActorRun } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

const STORE = 'agency-credentials';
const REDIRECT_URI = 'https://agency.example.com/pinterest/connected';

/** Pinterest's request id, which messages carry for support, differs from run to run. */
const withoutRequestId = (message: string | undefined) => message?.replace(/ \(Pinterest request id: \d+\)/, '');

/** Everything a run wrote, except the credentials store and the INPUT record (the user's own input). */
function everythingWritten(run: ActorRun): Array<{ where: string; text: string }> {
    return [
        { where: 'process output', text: run.log },
        ...run
            .storedTexts()
            .filter((file) => !file.path.startsWith(`key_value_stores/${STORE}/`) && !/^key_value_stores\/default\/INPUT(\.json)?$/.test(file.path))
            .map((file) => ({ where: file.path, text: file.text })),
    ];
}

function expectNoSecrets(runs: ActorRun[], secrets: string[]): void {
    for (const run of runs) {
        for (const { where, text } of everythingWritten(run)) {
            for (const secret of secrets) expect(text.includes(secret), `a secret leaked into ${where}`).toBe(false);
        }
    }
}

/** The client opens the link and chooses "Give access": the emulator's consent page stands in for Pinterest's. */
async function clientGivesAccess(emulator: PinterestEmulator, authorizationUrl: string, username: string): Promise<string> {
    const page = new URL(authorizationUrl);
    expect(`${page.origin}${page.pathname}`).toBe('https://www.pinterest.com/oauth/');
    const consent = new URL(`${emulator.origin}/oauth/${page.search}`);
    consent.searchParams.set('username', username);
    const answer = await fetch(consent, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    return answer.headers.get('location') ?? '';
}

describe.each(WORLDS)('agencies (%s)', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(async () => emulator.close());

    describe('connect-account', () => {
        it('goes from the authorization URL to tokens stored under the label, with no secret anywhere else', async () => {
            const { state } = emulator;
            const app = state.createApp({ redirectUris: [REDIRECT_URI] });
            const client = state.createUser({ username: 'client_bakery', accountType: 'BUSINESS' });
            state.createBoard(client.id, { name: 'Bakery specials' });
            const space = world.newSpace();
            const base = { mode: 'connect-account', appId: app.appId, appSecret: app.appSecret, redirectUri: REDIRECT_URI, label: 'client-a' };
            const inputs = { ...base, credentialsStoreName: STORE };

            const first = await space.run({ baseUrl: emulator.baseUrl, input: inputs });
            expect(first.exitCode, first.log).toBe(0);
            expect(first.items).toEqual([
                expect.objectContaining({ type: 'accountConnection', status: 'authorization-url', label: 'client-a', scopes: [...DEFAULT_SCOPES] }),
            ]);
            const authorizationUrl = String(first.items[0]?.authorizationUrl);
            const asked = new URL(authorizationUrl).searchParams;
            expect(Object.fromEntries(asked)).toEqual({
                client_id: app.appId,
                redirect_uri: REDIRECT_URI,
                response_type: 'code',
                scope: DEFAULT_SCOPES.join(','),
                state: expect.stringMatching(/^[0-9a-f]{32}$/),
            });
            expect(first.record('OUTPUT')).toMatchObject({ status: 'succeeded', authorizationUrl, label: 'client-a', eventsCharged: {} });
            expect(space.namedStore(STORE)).toEqual({});

            const landedOn = await clientGivesAccess(emulator, authorizationUrl, 'client_bakery');
            const code = new URL(landedOn).searchParams.get('code') ?? '';
            const second = await space.run({ baseUrl: emulator.baseUrl, input: { ...inputs, authorizationResponseUrl: landedOn } });
            expect(second.exitCode, second.log).toBe(0);
            const key = labelledCredentialsKey('production', app.appId, 'client-a');
            expect(second.items).toEqual([
                expect.objectContaining({
                    type: 'accountConnection',
                    status: 'connected',
                    label: 'client-a',
                    username: 'client_bakery',
                    accountType: 'BUSINESS',
                    scopes: expect.arrayContaining([...DEFAULT_SCOPES]),
                    accessTokenExpiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
                    refreshTokenExpiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
                    credentialsStoreName: STORE,
                    credentialsRecordKey: key,
                }),
            ]);
            expect(second.statusMessage).toMatch(/^Connected @client_bakery as client-a: the tokens are stored in agency-credentials/);

            // The stored record is a valid pair for the client's account, which a later run names by its label alone.
            const record = storedCredentialsSchema.parse(space.namedStore(STORE)[key]);
            expect(record).toMatchObject({ appId: app.appId, environment: 'production' });
            expect(state.describeAccessToken(record.accessToken)).toMatchObject({ userId: client.id, valid: true });
            expect(state.isRefreshTokenValid(record.refreshToken)).toBe(true);
            const later = await space.run({
                baseUrl: emulator.baseUrl,
                input: {
                    mode: 'list-boards',
                    accounts: [{ label: 'client-a' }],
                    appId: app.appId,
                    appSecret: app.appSecret,
                    credentialsStoreName: STORE,
                },
            });
            expect(later.exitCode, later.log).toBe(0);
            expect(later.items.map((item) => [item.account, item.name])).toEqual([['client-a', 'Bakery specials']]);

            const used = await space.run({ baseUrl: emulator.baseUrl, input: { ...inputs, authorizationResponseUrl: landedOn } });
            expect(used.exitCode).toBe(1);
            expect(withoutRequestId(used.statusMessage)).toBe(
                'Pinterest refused the authorization code because it was already used (a code works once): open the authorization URL again, choose "Give access" and use the new code right away.',
            );
            // The refused run left the stored pair alone.
            expect(storedCredentialsSchema.parse(space.namedStore(STORE)[key]).accessToken).toBe(record.accessToken);

            expectNoSecrets([first, second, later, used], [code, app.appSecret, record.accessToken, record.refreshToken]);
        });

        it('refuses, in one sentence each, an answer for another label, another redirect URI and a wrong app secret', async () => {
            const { state } = emulator;
            const app = state.createApp({});
            const client = state.createUser({ username: 'client_florist' });
            const space = world.newSpace();
            const base = {
                mode: 'connect-account',
                appId: app.appId,
                appSecret: app.appSecret,
                redirectUri: REDIRECT_URI,
                credentialsStoreName: STORE,
            };
            const run = (input: Record<string, unknown>) => space.run({ baseUrl: emulator.baseUrl, input: { ...base, ...input } });

            const forB = await run({ label: 'client-b' });
            const landedOn = await clientGivesAccess(emulator, String(forB.items[0]?.authorizationUrl), 'client_florist');
            const otherLabel = await run({ label: 'client-c', authorizationResponseUrl: landedOn });
            expect(otherLabel.exitCode).toBe(1);
            expect(otherLabel.statusMessage).toBe(
                'authorizationResponseUrl carries a state that does not belong to label client-c: it answers the authorization URL of another label, app or app secret, or was altered, so its code was not used; make the authorization URL for client-c again and send that one.',
            );

            const elsewhere = 'https://agency.example.com/other-page';
            const codeForElsewhere = state.mintAuthorizationCode({
                appId: app.appId,
                userId: client.id,
                scopes: [...DEFAULT_SCOPES],
                redirectUri: elsewhere,
            });
            const mismatch = await run({ label: 'client-b', code: codeForElsewhere });
            expect(withoutRequestId(mismatch.statusMessage)).toBe(
                'Pinterest refused the authorization code because redirectUri is not the address the authorization URL was made with: use exactly the same redirectUri in both runs.',
            );

            const wrongSecret = await run({ label: 'client-b', appSecret: 'not-the-app-secret', code: new URL(landedOn).searchParams.get('code') });
            expect(wrongSecret.exitCode).toBe(1);
            expect(wrongSecret.statusMessage).toMatch(
                /^Pinterest rejected the app credentials while exchanging the authorization code: check appId and appSecret at developers\.pinterest\.com\./,
            );

            const incomplete = await run({ label: 'client b', redirectUri: 'http://agency.example.com/' });
            expect(incomplete.statusMessage).toBe(
                'Invalid input: redirectUri must be an https address (Pinterest accepts no other for a web app), such as https://agency.example.com/pinterest/connected; label must be 1 to 40 letters, digits or hyphens, such as client-a',
            );
            expect(emulator.requestsTo('POST', '/oauth/token').length).toBeGreaterThan(0);
            expect(space.namedStore(STORE)).toEqual({});
            expectNoSecrets(
                [forB, otherLabel, mismatch, wrongSecret],
                [codeForElsewhere, app.appSecret, new URL(landedOn).searchParams.get('code') ?? ''],
            );
        });
    });

    describe('Business Access (adAccountId)', () => {
        it("creates a pin on the client's board, kept in the client's ledger, and names the role an Analyst lacks", async () => {
            const { state } = emulator;
            const app = state.createApp({});
            const client = state.createUser({ username: 'client_cafe' });
            const clientBoard = state.createBoard(client.id, { name: 'Cafe menu' }).id;
            const adAccountId = state.createAdAccount(client.id, { name: 'Cafe ads' }).id;
            const admin = state.createUser({ username: 'agency_admin_member' });
            const analyst = state.createUser({ username: 'agency_analyst_member' });
            state.grantBusinessAccess(adAccountId, admin.id, ['ADMIN']);
            state.grantBusinessAccess(adAccountId, analyst.id, ['ANALYST']);
            const tokenOf = (userId: string, scopes = ALL_SCOPES) => state.issueTokens({ userId, appId: app.appId, scopes }).accessToken;
            const space = world.newSpace();
            const pin = {
                mode: 'create-pin',
                adAccountId,
                boardId: clientBoard,
                pinTitle: 'Pumpkin spice latte',
                imageUrl: 'https://example.com/latte.jpg',
            };

            const created = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, input: { ...pin, accessToken: tokenOf(admin.id) } });
            expect(created.exitCode, created.log).toBe(0);
            expect(created.log).toContain(
                `Connected to Pinterest, acting on @client_cafe (business account) through ad account ${adAccountId} (Business Access)`,
            );
            const pins = state.listPinsOfBoard(clientBoard);
            expect(pins.map((each) => each.title)).toEqual(['Pumpkin spice latte']);
            expect(created.items).toEqual([expect.objectContaining({ type: 'pinResult', status: 'created', id: pins[0]?.id })]);
            const ledgerKeys = Object.keys(space.namedStore(DEFAULT_LEDGER_STORE));
            expect(ledgerKeys.filter((key) => key.startsWith(`published-${accountHash('production', client.id)}-`))).toHaveLength(1);
            expect(ledgerKeys.filter((key) => key.startsWith(`published-${accountHash('production', admin.id)}-`))).toEqual([]);
            expect(state.boardsOf(admin.id)).toEqual([]);

            const refused = await space.run({
                baseUrl: emulator.baseUrl,
                payPerEvent: true,
                // With ads:read the token may ask Pinterest which role it has on the ad account, and the refusal says it.
                input: { ...pin, pinTitle: 'Not allowed', accessToken: tokenOf(analyst.id, [...ALL_SCOPES, 'ads:read']) },
            });
            const sentence = `Pinterest refused creating pins on ad account ${adAccountId} (Business Access): your role on that ad account is Analyst, which does not allow it; creating pins needs the Admin or Campaign manager role: ask the ad account's owner to give it to you in Business Manager, or check adAccountId`;
            expect(refused.statusMessage).toContain(sentence);
            expect(refused.items).toEqual([
                expect.objectContaining({ status: 'failed', error: expect.objectContaining({ message: expect.stringContaining(sentence) }) }),
            ]);
            expect(refused.charges.filter((charge) => charge.eventName === 'pin-created')).toEqual([]);
            expect(state.listPinsOfBoard(clientBoard)).toHaveLength(1);
        });
    });
});
