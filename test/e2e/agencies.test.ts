/**
 * Agencies: many Pinterest accounts in one run (the `accounts` input). Each account connects, preflights and runs
 * on its own; one that fails is named and the others go on. Both storage worlds, against one emulator with several
 * users, each with its own tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { labelledCredentialsKey } from '../../src/credentials/store.js';
import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import type { ActorRun } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- dataset rows and OUTPUT, probed field by field

const T0 = Date.parse('2026-10-05T08:00:00Z');
const HOUR = 3_600_000;
/** The emulator's clock, moved with the Actor's: a pin Pinterest creates is dated at the run's time. */
let clock = T0;
const at = (ms: number) => {
    clock = ms;
    return { ACTOR_TEST_NOW: new Date(ms).toISOString() };
};

interface Client {
    label: string;
    username: string;
    userId: string;
    boardId: string;
    boardName: string;
    accessToken: string;
    refreshToken: string;
}

let emulator: PinterestEmulator;
let app: { appId: string; appSecret: string };
const secrets: string[] = [];

/** A user of the agency's app with a board and a full-scope token pair. */
function client(label: string, username: string): Client {
    const userId = emulator.state.createUser({ username }).id;
    const boardName = `${username} ideas`;
    const boardId = emulator.state.createBoard(userId, { name: boardName }).id;
    const tokens = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES });
    secrets.push(tokens.accessToken, tokens.refreshToken);
    return { label, username, userId, boardId, boardName, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

beforeAll(async () => {
    emulator = await startEmulator({ now: () => clock });
    app = emulator.state.createApp({});
    secrets.push(app.appSecret);
});
afterAll(async () => emulator?.close());

/** No token or app secret in the log, the dataset, OUTPUT or any record outside the credentials store. */
function expectNoSecrets(run: ActorRun): void {
    const written = [
        { where: 'process output', text: run.log },
        ...run
            .storedTexts()
            .filter(
                (file) =>
                    !file.path.startsWith('key_value_stores/pinterest-credentials/') &&
                    !/^key_value_stores\/default\/INPUT(\.json)?$/.test(file.path),
            )
            .map((file) => ({ where: file.path, text: file.text })),
    ];
    for (const { where, text } of written) for (const secret of secrets) expect(text.includes(secret), `a secret leaked into ${where}`).toBe(false);
}

const output = (run: ActorRun) => run.record('OUTPUT') as Row;

describe.each(WORLDS)('many accounts in one run (%s)', (worldName) => {
    const world = useWorld(worldName);

    it('publish-scheduled for three accounts, one token revoked: the other two publish their due pins once, across runs', async () => {
        const [a, b, c] = [
            client('client-a', `alpha_${worldName}`),
            client('client-b', `beta_${worldName}`),
            client('client-c', `gamma_${worldName}`),
        ];
        const accounts = [a, b, c].map(({ label, accessToken }) => ({ label, accessToken }));
        const space = world.newSpace();
        // The pins are queued by one create-pin run over the three accounts, each pin naming its account.
        const pins = [a, b, c].flatMap((owner) =>
            [1, 2].map((n) => ({
                account: owner.label,
                boardId: owner.boardId,
                pinTitle: `${owner.label} pin ${n}`,
                imageUrl: `https://example.com/${owner.label}-${n}.jpg`,
                publishAt: new Date(T0 + n * HOUR).toISOString(),
            })),
        );
        const queued = await space.run({ baseUrl: emulator.baseUrl, input: { mode: 'create-pin', accounts, pins }, env: at(T0) });
        expect(queued.exitCode, queued.log).toBe(0);
        expect(queued.items.map((row) => [row.account, row.status])).toEqual(
            expect.arrayContaining([
                ['client-a', 'scheduled'],
                ['client-b', 'scheduled'],
                ['client-c', 'scheduled'],
            ]),
        );
        expect(queued.items).toHaveLength(6);

        emulator.state.expireAccessToken(c.accessToken);
        const input = { mode: 'publish-scheduled', accounts };
        const first = await space.run({ baseUrl: emulator.baseUrl, input, env: at(T0 + 3 * HOUR), payPerEvent: true });
        expect(first.exitCode, first.log).toBe(0);
        const created = first.items.filter((row) => row.type === 'pinResult');
        expect(created.map((row) => [row.account, row.status, row.title]).sort()).toEqual([
            ['client-a', 'created', 'client-a pin 1'],
            ['client-a', 'created', 'client-a pin 2'],
            ['client-b', 'created', 'client-b pin 1'],
            ['client-b', 'created', 'client-b pin 2'],
        ]);
        const failure = first.items.find((row) => row.type === 'accountFailure');
        expect(failure).toMatchObject({ account: 'client-c', mode: 'publish-scheduled' });
        expect(String(failure?.reason)).toMatch(/token/i);
        const record = output(first);
        expect(record.status).toBe('succeeded');
        expect(record.accounts.map((each: Row) => [each.label, each.status])).toEqual([
            ['client-a', 'succeeded'],
            ['client-b', 'succeeded'],
            ['client-c', 'failed'],
        ]);
        expect(record.accounts[0].username).toBe(a.username);
        expect(record.accounts[2].error).toBe(failure?.reason);
        expect(first.statusMessage).toMatch(/^Served 2 of 3 accounts; failed: client-c \(/);
        expect(first.statusMessage).toContain(`client-a (@${a.username}): `);
        expect(first.charges.reduce((sum, charge) => sum + (charge.eventName === 'pin-created' ? charge.chargedCount : 0), 0)).toBe(4);
        for (const owner of [a, b]) expect(emulator.state.listPinsOfBoard(owner.boardId)).toHaveLength(2);
        expect(emulator.state.listPinsOfBoard(c.boardId)).toHaveLength(0);

        // The next run finds nothing due for a and b, and c still failing: no pin twice.
        const second = await space.run({ baseUrl: emulator.baseUrl, input, env: at(T0 + 4 * HOUR), payPerEvent: true });
        expect(second.exitCode, second.log).toBe(0);
        expect(second.items.filter((row) => row.type === 'pinResult')).toEqual([]);
        expect(output(second).accounts.map((each: Row) => each.status)).toEqual(['succeeded', 'succeeded', 'failed']);
        for (const owner of [a, b]) expect(emulator.state.listPinsOfBoard(owner.boardId)).toHaveLength(2);

        // list-scheduled serves every account too: each account's queue, its rows named.
        const listed = await space.run({ baseUrl: emulator.baseUrl, input: { mode: 'list-scheduled', accounts }, env: at(T0 + 4 * HOUR) });
        expect(listed.exitCode, listed.log).toBe(0);
        expect(
            listed.items
                .filter((row) => row.type === 'scheduledPin')
                .map((row) => [row.account, row.status, row.title])
                .sort(),
        ).toEqual([
            ['client-a', 'published', 'client-a pin 1'],
            ['client-a', 'published', 'client-a pin 2'],
            ['client-b', 'published', 'client-b pin 1'],
            ['client-b', 'published', 'client-b pin 2'],
        ]);
        for (const run of [queued, first, second, listed]) expectNoSecrets(run);
    });

    it('a run over two accounts killed while publishing and restarted: every pin once on Pinterest, one row each', async () => {
        const [a, b] = [client('restart-a', `restart_a_${worldName}`), client('restart-b', `restart_b_${worldName}`)];
        const accounts = [a, b].map(({ label, accessToken }) => ({ label, accessToken }));
        const space = world.newSpace();
        const pins = [a, b].flatMap((owner) =>
            [1, 2, 3].map((n) => ({
                account: owner.label,
                boardId: owner.boardId,
                pinTitle: `${owner.label} due ${n}`,
                imageUrl: `https://example.com/${owner.label}-due-${n}.jpg`,
                publishAt: new Date(T0 + n * 60_000).toISOString(),
            })),
        );
        const queued = await space.run({ baseUrl: emulator.baseUrl, input: { mode: 'create-pin', accounts, pins }, env: at(T0) });
        expect(queued.exitCode, queued.log).toBe(0);
        const onPinterest = () => [a, b].map((owner) => emulator.state.listPinsOfBoard(owner.boardId).length);
        const input = { mode: 'publish-scheduled', accounts };
        const options = { baseUrl: emulator.baseUrl, input, env: at(T0 + 10 * 60_000), payPerEvent: true };
        const killed = await space.run({ ...options, killWhen: () => onPinterest().reduce((sum, count) => sum + count, 0) >= 2 });
        expect(killed.exitCode).toBeNull();
        const resumed = await space.restart(killed, options);
        expect(resumed.exitCode, resumed.log).toBe(0);
        // A pin whose request may or may not have left when the process died is not posted again blindly: it is
        // unconfirmed (not charged) and checked again by the next run, which finds it or posts it. Nothing twice.
        const later = await space.run({ ...options, env: at(T0 + 30 * 60_000) });
        expect(later.exitCode, later.log).toBe(0);
        expect(onPinterest()).toEqual([3, 3]);
        for (const owner of [a, b]) {
            const titles = emulator.state.listPinsOfBoard(owner.boardId).map((pin) => pin.title);
            expect(new Set(titles).size).toBe(3);
            const rows = [...resumed.items, ...later.items].filter((row) => row.type === 'pinResult' && row.account === owner.label);
            const created = rows.filter((row) => row.status === 'created').map((row) => row.title);
            expect(created.sort()).toEqual([1, 2, 3].map((n) => `${owner.label} due ${n}`));
            expect(rows.filter((row) => row.status !== 'created').map((row) => row.status)).toEqual(
                rows.length === 3 ? [] : Array(rows.length - 3).fill('unconfirmed'),
            );
        }
        if (worldName === 'platform') {
            const charged = [resumed, later].flatMap((run) => run.charges).filter((charge) => charge.eventName === 'pin-created');
            expect(charged.reduce((sum, charge) => sum + charge.chargedCount, 0)).toBe(6);
        }
    });

    it('create-pin: pins for two accounts from one CSV with an Account column', async () => {
        const [a, b] = [client('shop-a', `csvshop_a_${worldName}`), client('shop-b', `csvshop_b_${worldName}`)];
        const csv = [
            'Title,Media URL,Pinterest board,Account',
            `Tart,https://example.com/tart.jpg,${a.boardName},shop-a`,
            `Soup,https://example.com/soup.jpg,${b.boardName},SHOP-B`,
            `Bread,https://example.com/bread.jpg,${a.boardName},shop-a`,
            `Orphan,https://example.com/orphan.jpg,${a.boardName},`,
        ].join('\n');
        const run = await world.run({
            baseUrl: emulator.baseUrl,
            input: { mode: 'create-pin', accounts: [a, b].map(({ label, accessToken }) => ({ label, accessToken })), pinsCsv: csv },
            env: at(T0),
        });
        expect(run.exitCode, run.log).toBe(0);
        const rows = run.items.filter((row) => row.type === 'pinResult');
        expect(rows.map((row) => [row.account, row.status, row.title]).sort()).toEqual([
            ['shop-a', 'created', 'Bread'],
            ['shop-a', 'created', 'Tart'],
            ['shop-a', 'failed', 'Orphan'],
            ['shop-b', 'created', 'Soup'],
        ]);
        expect((rows as Row[]).find((row) => row.title === 'Orphan')?.error?.message).toMatch(
            /Account is required when accounts lists more than one account/,
        );
        expect(
            emulator.state
                .listPinsOfBoard(a.boardId)
                .map((pin) => pin.title)
                .sort(),
        ).toEqual(['Bread', 'Tart']);
        expect(emulator.state.listPinsOfBoard(b.boardId).map((pin) => pin.title)).toEqual(['Soup']);
        expect(output(run).counts).toMatchObject({ created: 3, failed: 1, accountsSucceeded: 2, accountsFailed: 0 });
        expectNoSecrets(run);
    });

    it('an account given only by its label reads the tokens saved for it; one never connected is told to connect', async () => {
        const known = client('client-x', `labelled_${worldName}`);
        const space = world.newSpace();
        const key = labelledCredentialsKey('production', app.appId, 'client-x');
        space.seedNamedStore('pinterest-credentials', {
            [key]: {
                version: 1,
                appId: app.appId,
                environment: 'production',
                accessToken: known.accessToken,
                accessTokenExpiresAt: T0 + 20 * 86_400_000,
                refreshToken: known.refreshToken,
                refreshTokenExpiresAt: T0 + 50 * 86_400_000,
                scopes: ALL_SCOPES,
                updatedAt: new Date(T0).toISOString(),
            },
        });
        const run = await space.run({
            baseUrl: emulator.baseUrl,
            input: { mode: 'list-boards', appId: app.appId, appSecret: app.appSecret, accounts: [{ label: 'Client-X' }, { label: 'client-y' }] },
            env: at(T0),
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items.filter((row) => row.type === 'board').map((row) => [row.account, row.name])).toEqual([['Client-X', known.boardName]]);
        const record = output(run);
        expect(record.accounts.map((each: Row) => [each.label, each.status, each.username ?? null])).toEqual([
            ['Client-X', 'succeeded', known.username],
            ['client-y', 'failed', null],
        ]);
        expect(record.accounts[1].error).toMatch(
            /^Account client-y has no saved Pinterest tokens .*: connect it first with the connect-account mode\.$/,
        );
        expectNoSecrets(run);
    });

    it('rotates and saves each account’s tokens on its own, so the next run with the same input goes on', async () => {
        const [a, b] = [client('rotate-a', `rotate_a_${worldName}`), client('rotate-b', `rotate_b_${worldName}`)];
        const space = world.newSpace();
        const input = {
            mode: 'list-boards',
            appId: app.appId,
            appSecret: app.appSecret,
            accounts: [a, b].map(({ label, refreshToken }) => ({ label, refreshToken })),
        };
        const first = await space.run({ baseUrl: emulator.baseUrl, input, env: at(T0) });
        expect(first.exitCode, first.log).toBe(0);
        // Pinterest retired the refresh tokens of the input; the second run starts from the pairs saved per account.
        for (const owner of [a, b]) expect(emulator.state.isRefreshTokenValid(owner.refreshToken)).toBe(false);
        const second = await space.run({ baseUrl: emulator.baseUrl, input, env: at(T0) });
        expect(second.exitCode, second.log).toBe(0);
        // Accounts run side by side: their rows interleave.
        expect(second.items.map((row) => [row.account, row.name]).sort()).toEqual([
            ['rotate-a', a.boardName],
            ['rotate-b', b.boardName],
        ]);
        expect(second.log).toMatch(/rotate-a: Using the newest Pinterest tokens saved in key-value store "pinterest-credentials"/);
        expect(Object.keys(space.namedStore('pinterest-credentials'))).toHaveLength(2);
        for (const run of [first, second]) expectNoSecrets(run);
    });

    it('fails the run when every account failed: a revoked token, a missing scope', async () => {
        const env = at(T0);
        const lone = client('revoked', `lonely_${worldName}`);
        emulator.state.expireAccessToken(lone.accessToken);
        const narrow = client('narrow', `narrow_${worldName}`);
        const pinsOnly = emulator.state.issueTokens({ userId: narrow.userId, appId: app.appId, scopes: ['pins:read', 'user_accounts:read'] });
        secrets.push(pinsOnly.accessToken, pinsOnly.refreshToken);
        const run = await world.run({
            baseUrl: emulator.baseUrl,
            input: {
                mode: 'list-boards',
                accounts: [
                    { label: lone.label, accessToken: lone.accessToken },
                    { label: narrow.label, accessToken: pinsOnly.accessToken },
                ],
            },
            env,
        });
        expect(run.exitCode, run.statusMessage).toBe(1);
        expect(output(run)).toMatchObject({ status: 'failed', counts: { accountsSucceeded: 0, accountsFailed: 2 } });
        expect(run.statusMessage).toMatch(/^Served 0 of 2 accounts; failed: revoked \(.*\); narrow \(@narrow_\w+\) \(.*boards:read/);
        expect(run.items.map((row) => [row.type, row.account])).toEqual(
            expect.arrayContaining([
                ['accountFailure', 'revoked'],
                ['accountFailure', 'narrow'],
            ]),
        );
        expectNoSecrets(run);
    });
});
