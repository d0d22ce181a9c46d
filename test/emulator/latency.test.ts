import { afterEach, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from './index.js';

let emulator: PinterestEmulator | undefined;
afterEach(async () => emulator?.close());

describe('latencyMs', () => {
    it('holds every answer at least that long, as a network would', async () => {
        emulator = await startEmulator({ latencyMs: 60 });
        const times: number[] = [];
        for (const path of ['/user_account', '/no-such-path']) {
            const started = performance.now();
            const response = await fetch(`${emulator.baseUrl}${path}`, { headers: { Authorization: 'Bearer pina_unknown' } });
            await response.text();
            times.push(performance.now() - started);
        }
        // Timers never fire early, so this lower bound holds however busy the machine is.
        for (const time of times) expect(time).toBeGreaterThanOrEqual(59);
        expect(emulator.requests.map((request) => request.status)).toEqual([401, 404]);
    });
});
