import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_RATE_LIMITS, type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { runActor, sumCharges } from './harness.js';

/**
 * A batch of 1,000 pins in one run, against an account whose write limit is generous enough for a test (Pinterest's
 * own would pace 1,000 pins over minutes; `npm run bench` measures pacing against a tight limit).
 */
let emulator: PinterestEmulator;
let token: string;
let boardId: string;

beforeAll(async () => {
    emulator = await startEmulator({ rateLimits: { standard: { ...DEFAULT_RATE_LIMITS.standard, org_write: [{ limit: 5000, windowSec: 1 }] } } });
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username: 'bigbatch' }).id;
    token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    boardId = emulator.state.createBoard(userId, { name: 'Catalogue' }).id;
});

afterAll(async () => emulator.close());

describe('a large batch', () => {
    it('publishes 1,000 pins in one run: one row each, in order, each charged once', async () => {
        const pins = Array.from({ length: 1000 }, (_, index) => ({
            boardId,
            pinTitle: `Product ${index + 1}`,
            imageUrl: `https://example.com/p/${index + 1}.jpg`,
        }));
        const run = await runActor({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            input: { mode: 'create-pin', accessToken: token, skipPreflight: true, pins },
        });
        expect(run.exitCode, run.log.slice(-2000)).toBe(0);
        expect(run.items).toHaveLength(1000);
        expect(run.items.map((item) => item.position)).toEqual(pins.map((_, index) => index + 1));
        expect(run.items.every((item) => item.status === 'created')).toBe(true);
        expect(new Set(run.items.map((item) => item.id)).size).toBe(1000);
        expect(emulator.requestsTo('POST', '/v5/pins')).toHaveLength(1000);
        expect(sumCharges(run.charges, 'pin-created')).toBe(1000);
        expect(run.statusMessage).toBe('Created 1,000 pins.');
    });
});
