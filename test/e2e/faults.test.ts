import { beforeEach, describe, expect, it } from 'vitest';

import { useAccount } from './use-account.js';
import { runActor, sumCharges } from './harness.js';

const account = useAccount({ username: 'faults', pins: 600 });

beforeEach(() => {
    account.emulator.clearFaults();
    account.emulator.resetRequests();
});

const listPins = (extra: Record<string, unknown> = {}) =>
    runActor({
        baseUrl: account.emulator.baseUrl,
        payPerEvent: true,
        input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 600, skipPreflight: true, ...extra },
    });

/** Each test's pin has a title of its own: reconciliation never takes a look-alike pin of another test for its own. */
let pinsMade = 0;
const createPinInput = () => ({
    mode: 'create-pin',
    accessToken: account.token,
    boardId: account.boardId,
    pinTitle: `Fault test ${++pinsMade}`,
    imageUrl: 'https://example.com/a.jpg',
    skipPreflight: true,
});

describe('reads survive transient faults without losing or repeating items', () => {
    it('waits out a 429 using X-RateLimit-Reset and carries on', async () => {
        account.emulator.injectFault({
            kind: 'rate-limit',
            match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` },
            skip: 1,
            times: 2,
            resetSeconds: 0,
        });
        const run = await listPins();
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(600);
        expect(new Set(run.items.map((item) => item.id)).size).toBe(600);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(600);
        expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).map((request) => request.status)).toEqual([
            200, 429, 429, 200, 200,
        ]);
        expect(run.log).toMatch(/rate limited \(429\); retry 1/);
    });

    it('retries 5xx answers and dropped connections on the same page', async () => {
        account.emulator.injectFault({
            kind: 'server-error',
            status: 503,
            match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` },
            skip: 1,
        });
        account.emulator.injectFault({ kind: 'drop', match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` }, skip: 2 });
        const run = await listPins();
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(600);
        expect(new Set(run.items.map((item) => item.id)).size).toBe(600);
        const bookmarks = account.emulator
            .requestsTo('GET', `/v5/boards/${account.boardId}/pins`)
            .map((request) => request.query.bookmark ?? 'first');
        // The failed page is asked for again with the same bookmark, never skipped.
        expect(new Set(bookmarks).size).toBe(3);
    });

    it('does not retry a spam block and keeps what was delivered before it', async () => {
        account.emulator.injectFault({ kind: 'spam', match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` }, skip: 1 });
        const run = await listPins();
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(/^Pinterest blocked the request as suspected spam, so the Actor did not retry it/);
        expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`)).toHaveLength(2);
        expect(run.items).toHaveLength(250);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(250);
    });
});

describe('create-pin never posts twice', () => {
    it('retries a rate-limited POST, which Pinterest refused, and creates exactly one pin', async () => {
        const before = account.emulator.state.listPinsOfBoard(account.boardId).length;
        account.emulator.injectFault({ kind: 'rate-limit', match: { method: 'POST', path: '/v5/pins' }, resetSeconds: 0 });
        const run = await runActor({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input: createPinInput() });
        expect(run.exitCode).toBe(0);
        expect(account.emulator.requestsTo('POST', '/v5/pins').map((request) => request.status)).toEqual([429, 201]);
        expect(account.emulator.state.listPinsOfBoard(account.boardId)).toHaveLength(before + 1);
        expect(sumCharges(run.charges, 'pin-created')).toBe(1);
    });

    it('finds the pin on the board when the connection drops after Pinterest created it: created once, charged once', async () => {
        const before = account.emulator.state.listPinsOfBoard(account.boardId).length;
        account.emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: '/v5/pins' } });
        const run = await runActor({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input: createPinInput() });
        expect(run.exitCode).toBe(0);
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(account.emulator.state.listPinsOfBoard(account.boardId)).toHaveLength(before + 1);
        expect(run.items).toHaveLength(1);
        expect(run.items[0]).toMatchObject({ status: 'created', id: account.emulator.state.listPinsOfBoard(account.boardId)[0]?.id });
        expect(sumCharges(run.charges, 'pin-created')).toBe(1);
    });

    it('does not repeat a POST answered with a 5xx: a pin it cannot find is unconfirmed, not charged, and the run says so', async () => {
        account.emulator.injectFault({ kind: 'server-error', status: 500, match: { method: 'POST', path: '/v5/pins' } });
        const run = await runActor({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: { ...createPinInput(), pinTitle: 'Never created', reconcileWaitSeconds: 1 },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toMatch(
            /^Pinterest did not confirm this pin and it is not on board \d+ yet \(the board's listing can lag\): it was not charged, and the next run checks again before posting it\.$/,
        );
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(run.items).toMatchObject([{ status: 'unconfirmed' }]);
        expect(run.charges).toEqual([]);
    });
});
