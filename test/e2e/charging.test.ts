import { beforeEach, describe, expect, it } from 'vitest';

import { useAccount } from './use-account.js';
import { sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

describe.each(WORLDS)('pay per event (%s)', (worldName) => {
    const world = useWorld(worldName);
    const account = useAccount({ username: 'payer', pins: 600 });
    beforeEach(() => account.emulator.resetRequests());

    it('charges item-fetched once per stored item', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 300 },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(300);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(300);
        expect(run.charges.every((charge) => charge.eventName === 'item-fetched')).toBe(true);
    });

    it('fetches no more than the maximum charge allows, and says so', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            maxTotalChargeUsd: 5,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 100, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(run.items).toHaveLength(5);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(5);
        expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).map((request) => request.query.page_size)).toEqual(['5']);
        expect(run.statusMessage).toBe(`Fetched 5 pins from board ${account.boardId} (stopped at the maximum charge you set for this run).`);
    });

    it('stops paging as soon as the budget is spent', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            maxTotalChargeUsd: 300,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 1000, skipPreflight: true },
        });
        expect(run.items).toHaveLength(300);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(300);
        expect(account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).map((request) => request.query.page_size)).toEqual([
            '250',
            '50',
        ]);
    });

    it('charges pin-created once for a confirmed pin and nothing else', async () => {
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: {
                mode: 'create-pin',
                accessToken: account.token,
                boardId: account.boardId,
                pinTitle: 'Paid pin',
                imageUrl: 'https://example.com/a.jpg',
            },
        });
        expect(run.exitCode).toBe(0);
        expect(run.charges).toEqual([expect.objectContaining({ eventName: 'pin-created', chargedCount: 1 })]);
        expect(run.items).toHaveLength(1);
    });

    // Only the platform charges through an API that can lose an answer.
    it.runIf(worldName === 'platform')('charges once when the platform took a charge but its answer was lost', async () => {
        world.api!.injectFault({ match: { kind: 'run.charge' }, afterCommit: true, status: 502 });
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 300, skipPreflight: true },
        });
        expect(run.exitCode).toBe(0);
        expect(world.api!.calls.filter((call) => call.kind === 'run.charge' && call.fault)).toHaveLength(1);
        expect(sumCharges(run.charges, 'item-fetched')).toBe(300);
    });

    it('creates no pin when the budget cannot pay for it', async () => {
        const before = account.emulator.state.listPinsOfBoard(account.boardId).length;
        const run = await world.run({
            baseUrl: account.emulator.baseUrl,
            payPerEvent: true,
            maxTotalChargeUsd: 0.5,
            input: {
                mode: 'create-pin',
                accessToken: account.token,
                boardId: account.boardId,
                pinTitle: 'Too expensive',
                imageUrl: 'https://example.com/a.jpg',
                skipPreflight: true,
            },
        });
        expect(run.exitCode).toBe(1);
        expect(run.statusMessage).toBe(
            'The maximum charge you set for this run cannot pay for one more pin-created event, so this pin was not created: raise it and run again.',
        );
        expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(0);
        expect(account.emulator.state.listPinsOfBoard(account.boardId)).toHaveLength(before);
        expect(run.charges).toEqual([]);
    });
});
