import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run emulator` as the README tells people to use it: its clock moved with --now, demo data whose analytics
 * have a history (so the README's report can be made from it), and the pins' images served without the internet.
 */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = '2026-03-10T12:00:00Z';
const DAY_MS = 86_400_000;
const dayBefore = (days: number) => new Date(Date.parse(NOW) - days * DAY_MS).toISOString().slice(0, 10);

let cli: ChildProcess;
let baseUrl: string;
let token: string;

beforeAll(async () => {
    cli = spawn(`${PROJECT_ROOT}node_modules/.bin/tsx`, ['test/emulator/cli.ts', '--now', NOW], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    await new Promise<void>((resolve, reject) => {
        cli.stdout?.on('data', (chunk: Buffer) => {
            printed += chunk.toString();
            if (printed.includes('Press Ctrl-C')) resolve();
        });
        cli.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
        cli.on('exit', (code) => reject(new Error(`the emulator CLI exited (${code}):\n${printed}`)));
    });
    baseUrl = /Base URL\s+(\S+)/.exec(printed)?.[1] ?? '';
    token = /Access token\s+(\S+)/.exec(printed)?.[1] ?? '';
    // The clock runs on from --now while the emulator starts: the minute is what is certain.
    expect(printed).toMatch(/Clock\s+2026-03-10T12:00/);
});
afterAll(() => {
    cli?.kill('SIGTERM');
});

const get = async (path: string, query: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, probed field by field
};

describe('npm run emulator', () => {
    it('runs its clock from --now', async () => {
        const boards = await get('/boards');
        expect(boards.items).toHaveLength(4);
        for (const board of boards.items) expect(board.created_at.slice(0, 10)).toBe('2026-03-10');
    });

    it('has demo pins made over months, so every day of the last 90 has account analytics', async () => {
        const pins = await get('/pins', { page_size: '100' });
        const ages = pins.items.map((pin: { created_at: string }) => (Date.parse(NOW) - Date.parse(`${pin.created_at}Z`)) / DAY_MS);
        // The emulator's clock runs on from --now while it seeds, so the youngest pin is a few milliseconds under 12 days.
        expect(Math.min(...ages)).toBeGreaterThan(11.99);
        expect(Math.min(...ages)).toBeLessThan(30);
        expect(Math.max(...ages)).toBeGreaterThan(120);
        const analytics = await get('/user_account/analytics', { start_date: dayBefore(89), end_date: dayBefore(1) });
        const days = analytics.all.daily_metrics as Array<{ metrics: { IMPRESSION: number } }>;
        expect(days).toHaveLength(89);
        expect(days.every((day) => day.metrics.IMPRESSION > 0)).toBe(true);
    });

    it("serves the pins' images itself, on 127.0.0.1", async () => {
        const pins = await get('/pins', { page_size: '3' });
        const url = pins.items[0].media.images['150x150'].url as string;
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        const image = await fetch(url);
        expect(image.headers.get('content-type')).toBe('image/png');
    });
});
