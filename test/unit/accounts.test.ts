import { describe, expect, it } from 'vitest';

import { accountsOf } from '../../src/input/accounts.js';
import { UserInputError } from '../../src/input/parse.js';
import { pinCandidates } from '../../src/modes/create-pin/candidates.js';
import type { CreatePinInput } from '../../src/modes/create-pin/input.js';
import { parseActorInput } from '../../src/modes/index.js';
import { accountOutput } from '../../src/output/account-output.js';
import { AccountShares } from '../../src/output/budget.js';
import { EVENTS } from '../../src/output/events.js';
import { changePercent } from '../../src/analytics/report/overview.js';
import { ActorError } from '../../src/common/errors.js';
import { MODE_HANDLERS, type ModeHandler } from '../../src/modes/index.js';
import { runAccounts } from '../../src/run/accounts.js';
import type { NamedStore, RunStorage } from '../../src/storage/contracts.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import { memoryOutput, silentLog } from './support/fakes.js';

const problemsOf = (raw: unknown): string[] => {
    try {
        parseActorInput(raw);
    } catch (error) {
        if (error instanceof UserInputError) return error.problems;
        throw error;
    }
    throw new Error('expected the input to be rejected');
};

describe('the accounts input', () => {
    it('takes labelled accounts, filling in the top-level app and environment', () => {
        const input = parseActorInput({
            mode: 'list-boards',
            appId: '1234567',
            appSecret: 'app-secret-value',
            environment: 'sandbox',
            accounts: [
                { label: 'client-a', accessToken: 'pina_aaaaaaaaaa' },
                { label: 'client-b', refreshToken: 'pinr_bbbbbbbbbb', environment: 'production', adAccountId: '549755885175' },
                { label: 'client-c' },
            ],
        });
        expect(accountsOf(input)).toEqual([
            {
                label: 'client-a',
                accessToken: 'pina_aaaaaaaaaa',
                appId: '1234567',
                appSecret: 'app-secret-value',
                environment: 'sandbox',
                fromStore: false,
            },
            {
                label: 'client-b',
                refreshToken: 'pinr_bbbbbbbbbb',
                appId: '1234567',
                appSecret: 'app-secret-value',
                environment: 'production',
                adAccountId: '549755885175',
                fromStore: false,
            },
            { label: 'client-c', appId: '1234567', appSecret: 'app-secret-value', environment: 'sandbox', fromStore: true },
        ]);
    });

    it('reads the single-account fields as a list of one, labelled default', () => {
        expect(accountsOf(parseActorInput({ accessToken: 'pina_token' }))).toEqual([
            { label: 'default', accessToken: 'pina_token', environment: 'production', fromStore: false },
        ]);
    });

    it('names the item and the rule of every bad account, before any request', () => {
        expect(
            problemsOf({
                mode: 'list-boards',
                accessToken: 'pina_top',
                accounts: [
                    { label: 'client a', accessToken: 'pina_x' },
                    { label: 'Client-B', accessToken: 'pina_y' },
                    { label: 'client-b', acessToken: 'pina_z' },
                    { label: 'client-d', refreshToken: 'pinr_q' },
                    { label: 'client-e' },
                    'client-f',
                ],
            }),
        ).toEqual([
            "accessToken and accounts cannot be given together: put each account's tokens in its accounts item (appId and appSecret may stay at the top level)",
            'accounts[0].label must be 1 to 40 letters, digits or hyphens, such as "client-a"',
            'accounts[2] has unknown key acessToken: an account takes label, accessToken, refreshToken, appId, appSecret, environment, adAccountId',
            'accounts[3] (client-d) has a refreshToken but no appId or appSecret: give them in the item or at the top level',
            'accounts[4] (client-e) gives no token, so its tokens come from the credentials store, which needs appId and appSecret: give them in the item or at the top level',
            'accounts[5]: each item of accounts must be an object such as {"label": "client-a", "accessToken": "pina_…"}',
        ]);
    });

    it('refuses two labels that differ only in case', () => {
        expect(
            problemsOf({
                accounts: [
                    { label: 'Client-A', accessToken: 'pina_x' },
                    { label: 'client-a', accessToken: 'pina_y' },
                ],
            }),
        ).toEqual(['accounts[1].label "client-a" is also the label of accounts[0]: labels must differ (case is ignored)']);
    });

    it('create-pin with several accounts: every pin names one of them', () => {
        const accounts = [
            { label: 'a', accessToken: 'pina_x' },
            { label: 'b', accessToken: 'pina_y' },
        ];
        const pin = { boardId: '1', pinTitle: 'T', imageUrl: 'https://example.com/i.jpg' };
        expect(problemsOf({ mode: 'create-pin', accounts, pins: [{ ...pin, account: 'A' }, pin, { ...pin, account: 'c' }] })).toEqual([
            'pins[1].account is required when accounts lists more than one account: name one of a, b',
            'pins[2].account "c" is not one of the labels in accounts (a, b)',
        ]);
        expect(problemsOf({ mode: 'create-pin', accounts, ...pin })).toEqual([
            'with several accounts, create-pin takes pins (each naming its account) or a CSV with an Account column, not the single-pin fields',
        ]);
    });
});

describe('one account’s part of create-pin', () => {
    const input = (csv: string) => parseActorInput({ mode: 'create-pin', accessToken: 'pina_x', pinsCsv: csv }) as unknown as CreatePinInput;
    const csv = [
        'Title,Media URL,Pinterest board,Account',
        'One,https://example.com/1.jpg,Board,a',
        'Two,https://example.com/2.jpg,Board,B',
        'Three,https://example.com/3.jpg,Board,',
        'Four,https://example.com/4.jpg,Board,zz',
    ].join('\n');
    const partOf = async (label: string, first: boolean) => {
        const seen: Array<{ position: number; source: string; problems?: string[] }> = [];
        for await (const candidate of pinCandidates(input(csv), silentLog(), Date.now, { label, labels: ['a', 'b'], first })) {
            seen.push({
                position: candidate.position,
                source: candidate.source,
                ...('problems' in candidate ? { problems: candidate.problems } : {}),
            });
        }
        return seen;
    };

    it('takes the rows that name it, numbered among its own; the first account reports rows naming none', async () => {
        expect(await partOf('a', true)).toEqual([
            { position: 1, source: 'CSV row 2' },
            { position: 2, source: 'CSV row 4', problems: ['Account is required when accounts lists more than one account: name one of a, b'] },
            { position: 3, source: 'CSV row 5', problems: ['Account "zz" is not one of the run\'s accounts (a, b)'] },
        ]);
        expect(await partOf('b', false)).toEqual([{ position: 1, source: 'CSV row 3' }]);
    });
});

describe('the budget shared by accounts', () => {
    it('gives each account an equal share, the remainder to those listed first, and passes on what a finished one left', () => {
        let left = 10;
        const shares = new AccountShares(3, () => left);
        expect([0, 1, 2].map((index) => shares.left(index, EVENTS.pinCreated))).toEqual([4, 3, 3]);
        shares.spend(1, EVENTS.pinCreated, 1);
        left -= 1;
        shares.finish(1);
        // Account 1 spent 1 of its 3: the 2 it left go to the earliest-listed account still running.
        expect([0, 1, 2].map((index) => shares.left(index, EVENTS.pinCreated))).toEqual([6, 0, 3]);
        shares.finish(0);
        expect(shares.left(2, EVENTS.pinCreated)).toBe(9);
    });

    it('is unlimited when the run is', () => {
        const shares = new AccountShares(2, () => Infinity);
        shares.spend(0, EVENTS.itemFetched, 5);
        shares.finish(0);
        expect(shares.left(1, EVENTS.itemFetched)).toBe(Infinity);
    });

    it('stops an account at its share, however early it charges', async () => {
        const base = memoryOutput({ budget: { 'item-fetched': 5 } });
        const shares = new AccountShares(2, (event) => base.budgetFor(event));
        const first = accountOutput(base, 'a', 0, shares);
        const second = accountOutput(base, 'b', 1, shares);
        const rows = Array.from({ length: 5 }, (_, index) => ({ type: 'board', id: String(index) }));
        await expect(first.pushFetched(rows as never)).resolves.toEqual({ delivered: 3, budgetExhausted: true });
        await expect(second.pushFetched(rows as never)).resolves.toEqual({ delivered: 2, budgetExhausted: true });
        expect(base.items.map((item) => item.account)).toEqual(['a', 'a', 'a', 'b', 'b']);
    });
});

describe('an account’s view of the run’s output', () => {
    it('tags its rows, keys its records by label and reads back only its own rows, in order', async () => {
        const base = memoryOutput();
        const shares = new AccountShares(2, (event) => base.budgetFor(event));
        const a = accountOutput(base, 'a', 0, shares);
        const b = accountOutput(base, 'b', 1, shares);
        await a.pushRows([{ type: 'pinResult', position: 1 }]);
        await b.pushRows([{ type: 'pinResult', position: 1 }], EVENTS.pinCreated);
        await a.pushRows([{ type: 'pinResult', position: 2 }], EVENTS.pinCreated);
        await expect(a.readStoredItems(1, 5)).resolves.toEqual([{ type: 'pinResult', position: 2, account: 'a' }]);
        await expect(b.readStoredItems(0, 5)).resolves.toEqual([{ type: 'pinResult', position: 1, account: 'b' }]);
        expect([a.chargedCount(EVENTS.pinCreated), b.chargedCount(EVENTS.pinCreated), a.knowsEarlierCharges]).toEqual([1, 1, false]);
        await a.saveRecord('report.html', '<html>');
        await a.saveRecord('top-pins', []);
        expect([...base.records.keys()]).toEqual(['report-a.html', 'top-pins-a']);
    });

    it('lets a lone account reserve the whole budget', () => {
        const base = memoryOutput({ budget: { 'pin-created': 3 } });
        const a = accountOutput(base, 'a', 0, new AccountShares(1, (event) => base.budgetFor(event)));
        expect([1, 2, 3, 4].map(() => Boolean(a.reserve(EVENTS.pinCreated)))).toEqual([true, true, true, false]);
    });

    it('holds a reservation against both its share and the run', () => {
        const base = memoryOutput({ budget: { 'pin-created': 3 } });
        const shares = new AccountShares(2, (event) => base.budgetFor(event));
        const a = accountOutput(base, 'a', 0, shares);
        const releases = [a.reserve(EVENTS.pinCreated), a.reserve(EVENTS.pinCreated), a.reserve(EVENTS.pinCreated)];
        expect(releases.map(Boolean)).toEqual([true, true, false]);
        expect(base.budgetFor(EVENTS.pinCreated)).toBe(1);
        releases[0]?.();
        expect([a.budgetFor(EVENTS.pinCreated), base.budgetFor(EVENTS.pinCreated)]).toEqual([1, 2]);
    });
});

describe('the overview’s change', () => {
    it('is the change in per cent, or nothing without a period to compare with', () => {
        expect(changePercent(110, 100)).toBeCloseTo(10);
        expect(changePercent(5, 0)).toBeUndefined();
        expect(changePercent(5, undefined)).toBeUndefined();
    });
});

describe('runAccounts: each account on its own', () => {
    const storage = (): RunStorage => {
        const named = new Map<string, NamedStore>();
        const runStore = memoryNamedStore('default');
        return {
            openNamedStore: async (name) => {
                if (!named.has(name)) named.set(name, memoryNamedStore(name));
                return named.get(name)!;
            },
            openRunStore: async () => runStore,
        };
    };
    /** A mode that stores one row and a journal entry, or fails for the labels in `failing`. */
    const handler = (failing: string[]): ModeHandler =>
        ({
            ...MODE_HANDLERS['list-boards'],
            async run({ input, output, journal, account }) {
                if (failing.includes(account!.label)) throw new ActorError(`Pinterest refused ${account!.label}.`);
                await journal.write({ done: account!.label });
                await output.pushFetched([{ type: 'board', id: String(input.accessToken) }] as never);
                return { summary: `Fetched 1 board.`, counts: { fetched: 1 } };
            },
        }) as ModeHandler;
    const runWith = (failing: string[], accounts: unknown[], mode = 'list-boards', fields: Record<string, unknown> = {}) => {
        const output = memoryOutput();
        const log = silentLog();
        const stores = storage();
        const input = parseActorInput({ mode, skipPreflight: true, appId: '1234567', appSecret: 'app-secret-value', accounts, ...fields });
        // The fake mode runs in place of the real one, but says what the real one says of its accounts.
        const modeHandler = { ...handler(failing), oneAccount: MODE_HANDLERS[input.mode].oneAccount };
        const run = { input, handler: modeHandler, output, storage: stores, log, runId: 'run-1', now: () => 0, sleep: async () => undefined };
        return { output, log, stores, result: runAccounts(run) };
    };

    it('fails only the account that failed, names it, and keeps each account’s rows and progress apart', async () => {
        const accounts = [
            { label: 'a', accessToken: 'pina_first_token' },
            { label: 'b', accessToken: 'pina_second_token' },
            { label: 'c', accessToken: 'pina_third_token' },
        ];
        const { output, stores, result } = runWith(['b'], accounts);
        const { record, failed, statusMessage } = await result;
        expect(failed).toBe(false);
        expect(statusMessage).toBe('Served 2 of 3 accounts; failed: b (Pinterest refused b). a: Fetched 1 board. c: Fetched 1 board.');
        expect((record.accounts as Array<Record<string, unknown>>).map((each) => [each.label, each.status, each.error ?? null])).toEqual([
            ['a', 'succeeded', null],
            ['b', 'failed', 'Pinterest refused b.'],
            ['c', 'succeeded', null],
        ]);
        expect(record.counts).toEqual({ fetched: 2, accountsSucceeded: 2, accountsFailed: 1 });
        expect(output.items.map((item) => [item.type, item.account]).sort()).toEqual([
            ['accountFailure', 'b'],
            ['board', 'a'],
            ['board', 'c'],
        ]);
        const runStore = await stores.openRunStore();
        expect([await runStore.getValue('RUN-PROGRESS-a'), await runStore.getValue('RUN-PROGRESS-b')]).toEqual([{ done: 'a' }, undefined]);
    });

    it('fails the run when every account failed, and tells an account given by label to connect first', async () => {
        const { record, failed } = await runWith(['a'], [{ label: 'a', accessToken: 'pina_first_token' }, { label: 'b' }]).result;
        expect(failed).toBe(true);
        expect(record.status).toBe('failed');
        expect((record.accounts as Array<Record<string, unknown>>)[1]?.error).toBe(
            'Account b has no saved Pinterest tokens in key-value store "pinterest-credentials" (record pinterest-production-1234567-label-b): connect it first with the connect-account mode.',
        );
    });

    it('serves several accounts only in modes that are not about pins named by ID', async () => {
        const accounts = [
            { label: 'a', accessToken: 'pina_first_token' },
            { label: 'b', accessToken: 'pina_second_token' },
        ];
        await expect(runWith([], accounts, 'delete-pins', { pinIds: ['813744226420795884'] }).result).rejects.toThrow(
            'Mode delete-pins acts on pins of one account: list one account in accounts, not 2.',
        );
        await expect(
            runWith([], accounts, 'update-scheduled', { scheduleIds: ['0123456789abcdef0123'], newPublishAt: '2030-01-01T09:00:00Z' }).result,
        ).rejects.toThrow('Mode update-scheduled acts on pins of one account');
        // Pausing is about each account's queue: every listed account's is paused.
        expect((await runWith([], accounts, 'pause-queue').result).failed).toBe(false);
    });
});
