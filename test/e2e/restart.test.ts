import { beforeEach, describe, expect, it } from 'vitest';

import { useAccount } from './use-account.js';
import { type RunView, sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

/**
 * A platform migration (or a crash the platform restarts) runs the Actor again from the top, with the run's id
 * and default storages kept: on the platform a second process of the same run, locally a killed process started
 * again on the same storage dir without purging it (see worlds.ts).
 */
const journal = (run: Pick<RunView, 'record'>) => run.record('RUN-PROGRESS') as Record<string, unknown> | undefined;

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    const account = useAccount({ username: 'restarts', pins: 600 });

    beforeEach(() => {
        account.emulator.clearFaults();
        account.emulator.resetRequests();
    });

    describe('a restarted run carries on without repeating anything', () => {
        it('resumes a list after the last stored page: every item once, charged once', async () => {
            const space = world.newSpace();
            const input = { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 600, skipPreflight: true };
            account.emulator.injectFault({
                kind: 'slow',
                delayMs: 10_000,
                match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` },
                skip: 2,
            });

            // Killed while it waits for page three: once the journal (written after each stored page) says 500 are in.
            const pageTwoStored = (run: RunView) => {
                const entry = journal(run);
                return entry?.delivered === 500 && entry.pending === null;
            };
            const killed = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input, killWhen: pageTwoStored });
            expect(killed.exitCode).toBeNull();
            expect(killed.items).toHaveLength(500);

            account.emulator.clearFaults();
            const pagesBefore = account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).length;
            const resumed = await space.restart(killed, { baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(resumed.exitCode).toBe(0);
            expect(resumed.items).toHaveLength(600);
            expect(new Set(resumed.items.map((item) => item.id)).size).toBe(600);
            expect(sumCharges(resumed.charges, 'item-fetched')).toBe(600);
            expect(resumed.statusMessage).toBe(`Fetched 600 pins from board ${account.boardId}.`);
            // The resumed run starts at the journaled bookmark: page three, and only it.
            const resumedPages = account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`).slice(pagesBefore);
            expect(resumedPages).toHaveLength(1);
            expect(typeof resumedPages[0]?.query.bookmark).toBe('string');
            expect(resumedPages[0]?.query.page_size).toBe('100');
        }, 300_000);

        // Locally the SDK does not carry a run's charges over a restart (a local restart is a test device only).
        it.runIf(worldName === 'platform')('spends only what is left of the maximum charge after a restart', async () => {
            const space = world.newSpace();
            const input = { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 600, skipPreflight: true };
            account.emulator.injectFault({
                kind: 'slow',
                delayMs: 10_000,
                match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` },
                skip: 1,
            });
            const killed = await space.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                maxTotalChargeUsd: 400,
                input,
                killWhen: (run) => journal(run)?.delivered === 250,
            });
            expect(killed.exitCode).toBeNull();

            account.emulator.clearFaults();
            const resumed = await space.restart(killed, { baseUrl: account.emulator.baseUrl, payPerEvent: true, maxTotalChargeUsd: 400, input });
            expect(resumed.exitCode).toBe(0);
            expect(resumed.items).toHaveLength(400);
            expect(sumCharges(resumed.charges, 'item-fetched')).toBe(400);
            expect(resumed.statusMessage).toBe(
                `Fetched 400 pins from board ${account.boardId} (stopped at the maximum charge you set for this run).`,
            );
        });

        it('stores and charges a page once when the run died while storing it', async () => {
            const space = world.newSpace();
            const input = { mode: 'get-user-pins', accessToken: account.token, boardId: account.boardId, maxItems: 600, skipPreflight: true };
            account.emulator.injectFault({
                kind: 'slow',
                delayMs: 10_000,
                match: { method: 'GET', path: `/v5/boards/${account.boardId}/pins` },
                skip: 2,
            });
            const first = await space.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input,
                killWhen: (run) => journal(run)?.delivered === 500,
            });
            expect(first.exitCode).toBeNull();
            // As if the kill had come between storing page two and journaling it: the journal still says page two is
            // being stored, while all of it is in the dataset (whose item count may lag on the platform).
            const entry = journal(first) ?? {};
            const pending = { offset: 250, count: 250, bookmark: null as unknown };
            const history = account.emulator.requestsTo('GET', `/v5/boards/${account.boardId}/pins`);
            pending.bookmark = history[1]?.query.bookmark;
            first.setRecord('RUN-PROGRESS', { ...entry, delivered: 250, cursor: pending.bookmark, done: false, hasMore: false, pending });

            account.emulator.clearFaults();
            const resumed = await space.restart(first, { baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(resumed.exitCode).toBe(0);
            expect(resumed.items).toHaveLength(600);
            expect(new Set(resumed.items.map((item) => item.id)).size).toBe(600);
            expect(sumCharges(resumed.charges, 'item-fetched')).toBe(600);
            expect(resumed.statusMessage).toBe(`Fetched 600 pins from board ${account.boardId}.`);
        }, 300_000);

        it('does not post a pin again when the run died while Pinterest was creating it: it finds it, stores and charges it once', async () => {
            const space = world.newSpace();
            const input = {
                mode: 'create-pin',
                accessToken: account.token,
                boardId: account.boardId,
                pinTitle: 'Only once',
                imageUrl: 'https://example.com/once.jpg',
                skipPreflight: true,
            };
            const before = account.emulator.state.listPinsOfBoard(account.boardId).length;
            account.emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'POST', path: '/v5/pins' } });

            const killed = await space.run({
                baseUrl: account.emulator.baseUrl,
                payPerEvent: true,
                input,
                killWhen: () => account.emulator.state.listPinsOfBoard(account.boardId).length > before,
            });
            expect(killed.exitCode).toBeNull();

            account.emulator.clearFaults();
            const resumed = await space.restart(killed, { baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            // The ledger said "sending": the resumed run found the pin on the board instead of posting it again.
            expect(resumed.exitCode).toBe(0);
            expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
            expect(account.emulator.state.listPinsOfBoard(account.boardId)).toHaveLength(before + 1);
            expect(resumed.items).toHaveLength(1);
            expect(resumed.items[0]).toMatchObject({ status: 'created', id: account.emulator.state.listPinsOfBoard(account.boardId)[0]?.id });
            expect(sumCharges(resumed.charges, 'pin-created')).toBe(1);
        }, 300_000);

        it('finishes a run that restarts after the pin was confirmed without posting again', async () => {
            const space = world.newSpace();
            const input = {
                mode: 'create-pin',
                accessToken: account.token,
                boardId: account.boardId,
                pinTitle: 'Confirmed',
                imageUrl: 'https://example.com/ok.jpg',
                skipPreflight: true,
            };
            const first = await space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(first.exitCode).toBe(0);

            const again = await space.restart(first, { baseUrl: account.emulator.baseUrl, payPerEvent: true, input });
            expect(again.exitCode).toBe(0);
            expect(account.emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
            expect(again.items).toHaveLength(1);
            expect(sumCharges(again.charges, 'pin-created')).toBe(1);
            expect(again.statusMessage).toBe(first.statusMessage);
        });
    });
});
