/**
 * Runs that overlap as real use makes them: the same create-pin input started twice at once (a double click, an
 * agent calling twice), and a cancelled pin queued again by the same input.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { sumCharges } from './harness.js';
import { useAccount } from './use-account.js';
import { useWorld, WORLDS } from './worlds.js';

describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    const account = useAccount({ username: `overlap${worldName}` });
    beforeEach(() => account.emulator.resetRequests());

    const pin = (title: string, extra: Record<string, unknown> = {}) => ({
        boardId: account.boardId,
        pinTitle: title,
        imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg`,
        ...extra,
    });

    it('two create-pin runs with the same input started together post each pin once, and charge it once', async () => {
        const space = world.newSpace();
        const titles = Array.from({ length: 20 }, (_, index) => `Twice ${worldName} ${index + 1}`);
        const input = { mode: 'create-pin', accessToken: account.token, skipPreflight: true, pins: titles.map((title) => pin(title)) };
        const runs = await Promise.all([1, 2].map(() => space.run({ baseUrl: account.emulator.baseUrl, payPerEvent: true, input })));
        for (const run of runs) expect(run.exitCode, run.log).toBe(0);

        const onBoard = account.emulator.state.listPinsOfBoard(account.boardId).filter((item) => titles.includes(String(item.title)));
        expect(onBoard.map((item) => item.title).sort()).toEqual([...titles].sort());
        const created = runs.flatMap((run) => run.items.filter((item) => item.status === 'created'));
        expect(created.map((item) => item.title).sort()).toEqual([...titles].sort());
        expect(runs.reduce((sum, run) => sum + sumCharges(run.charges, 'pin-created'), 0)).toBe(20);
        for (const run of runs) {
            expect(sumCharges(run.charges, 'pin-created')).toBe(run.items.filter((item) => item.status === 'created').length);
            for (const item of run.items.filter((row) => row.status !== 'created'))
                expect(item.status).toMatch(/^(not-attempted|skipped-duplicate)$/);
        }
    });

    it('a cancelled pin stays cancelled when the same input is queued again, and takes no time slot', async () => {
        const space = world.newSpace();
        const env = { ACTOR_TEST_NOW: '2026-06-01T08:00:00Z' };
        const input = {
            mode: 'create-pin',
            accessToken: account.token,
            skipPreflight: true,
            pins: [pin(`Cancelled ${worldName}`, { publishAt: '2026-06-02T09:00:00Z' })],
        };
        const queued = await space.run({ baseUrl: account.emulator.baseUrl, env, input });
        const scheduleId = String(queued.items[0]!.scheduleId);
        const cancelled = await space.run({
            baseUrl: account.emulator.baseUrl,
            env,
            input: { mode: 'cancel-scheduled', accessToken: account.token, skipPreflight: true, scheduleIds: [scheduleId] },
        });
        expect(cancelled.items).toMatchObject([{ scheduleId, status: 'cancelled' }]);

        const again = await space.run({ baseUrl: account.emulator.baseUrl, env, input });
        expect(again.items).toMatchObject([
            { status: 'skipped-duplicate', scheduleId, reason: expect.stringMatching(/was cancelled .* stays cancelled/) },
        ]);
        const listed = await space.run({
            baseUrl: account.emulator.baseUrl,
            env,
            input: { mode: 'list-scheduled', accessToken: account.token, skipPreflight: true },
        });
        expect(listed.items.map((item) => [item.scheduleId, item.status])).toEqual([[scheduleId, 'cancelled']]);

        // Moving it with cancel-scheduled is how it comes back.
        const moved = await space.run({
            baseUrl: account.emulator.baseUrl,
            env,
            input: {
                mode: 'cancel-scheduled',
                accessToken: account.token,
                skipPreflight: true,
                scheduleIds: [scheduleId],
                newPublishAt: '2026-06-03T09:00:00Z',
            },
        });
        expect(moved.items).toMatchObject([{ scheduleId, status: 'scheduled', publishAt: '2026-06-03T09:00:00Z' }]);
    });
});
