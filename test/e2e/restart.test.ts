import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { PinterestEmulator } from '../emulator/index.js';
import { startWithAccount } from './fixture.js';
import { countDatasetItems, newStorageDir, runActor, sumCharges } from './harness.js';

/**
 * A platform migration (or a crash the platform restarts) runs the Actor again from the top, with the run's
 * default storages kept. Locally that is a killed process started again with CRAWLEE_PURGE_ON_START=false.
 */
const RESUME = { CRAWLEE_PURGE_ON_START: 'false' };

let emulator: PinterestEmulator;
let token: string;
let boardId: string;

beforeAll(async () => {
    ({ emulator, token, boardId } = await startWithAccount({ username: 'restarts', pins: 600 }));
});

afterAll(async () => emulator.close());

beforeEach(() => {
    emulator.clearFaults();
    emulator.resetRequests();
});

describe('a restarted run carries on without repeating anything', () => {
    it('resumes a list after the last stored page: every item once, charged once', async () => {
        const storageDir = newStorageDir();
        const input = { mode: 'get-user-pins', accessToken: token, boardId, maxItems: 600, skipPreflight: true };
        emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'GET', path: `/v5/boards/${boardId}/pins` }, skip: 2 });

        const killed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, killWhen: () => countDatasetItems(storageDir, 'charging_log') >= 2 });
        expect(killed.exitCode).toBeNull();
        expect(killed.items).toHaveLength(500);

        emulator.clearFaults();
        const pagesBefore = emulator.requestsTo('GET', `/v5/boards/${boardId}/pins`).length;
        const resumed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, env: RESUME });
        expect(resumed.exitCode).toBe(0);
        expect(resumed.items).toHaveLength(600);
        expect(new Set(resumed.items.map((item) => item.id)).size).toBe(600);
        expect(sumCharges(resumed.charges, 'item-fetched')).toBe(600);
        expect(resumed.statusMessage).toBe(`Fetched 600 pins from board ${boardId}.`);
        // The resumed run starts at a bookmark, never at the first page: the last journaled one, or the one
        // before it when the kill fell between storing page two and journaling it (then its items are skipped).
        const resumedPages = emulator.requestsTo('GET', `/v5/boards/${boardId}/pins`).slice(pagesBefore);
        expect(resumedPages.length).toBeGreaterThanOrEqual(1);
        expect(resumedPages.length).toBeLessThanOrEqual(2);
        expect(resumedPages.every((request) => typeof request.query.bookmark === 'string')).toBe(true);
        expect(resumedPages.at(-1)?.query.page_size).toBe('100');
    }, 40_000);

    it('does not post a pin again when the run died while Pinterest was creating it: it finds it, stores and charges it once', async () => {
        const storageDir = newStorageDir();
        const input = { mode: 'create-pin', accessToken: token, boardId, pinTitle: 'Only once', imageUrl: 'https://example.com/once.jpg', skipPreflight: true };
        const before = emulator.state.listPinsOfBoard(boardId).length;
        emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'POST', path: '/v5/pins' } });

        const killed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, killWhen: () => emulator.state.listPinsOfBoard(boardId).length > before });
        expect(killed.exitCode).toBeNull();

        emulator.clearFaults();
        const resumed = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, env: RESUME });
        // The ledger said "sending": the resumed run found the pin on the board instead of posting it again.
        expect(resumed.exitCode).toBe(0);
        expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(emulator.state.listPinsOfBoard(boardId)).toHaveLength(before + 1);
        expect(resumed.items).toHaveLength(1);
        expect(resumed.items[0]).toMatchObject({ status: 'created', id: emulator.state.listPinsOfBoard(boardId)[0]?.id });
        expect(sumCharges(resumed.charges, 'pin-created')).toBe(1);
    }, 40_000);

    it('finishes a run that restarts after the pin was confirmed without posting again', async () => {
        const storageDir = newStorageDir();
        const input = { mode: 'create-pin', accessToken: token, boardId, pinTitle: 'Confirmed', imageUrl: 'https://example.com/ok.jpg', skipPreflight: true };
        const first = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input });
        expect(first.exitCode).toBe(0);

        const again = await runActor({ baseUrl: emulator.baseUrl, storageDir, payPerEvent: true, input, env: RESUME });
        expect(again.exitCode).toBe(0);
        expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1);
        expect(again.items).toHaveLength(1);
        expect(sumCharges(again.charges, 'pin-created')).toBe(1);
        expect(again.statusMessage).toBe(first.statusMessage);
    });
});
