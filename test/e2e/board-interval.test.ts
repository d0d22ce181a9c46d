import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { PinterestEmulator } from '../emulator/index.js';
import { movableClock, startWithAccount } from './fixture.js';
import { sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

/**
 * One pin to several boards, days apart (`boards`, `boardIntervalDays`), end to end in both worlds: the pin is
 * created on the first board, each further board gets a queued save (`POST /pins/{pin_id}/save`) that
 * publish-scheduled sends when due, once, even with two runs overlapping, each charged as `pin-created`. A save
 * whose first pin was cancelled fails with that reason; a pause holds the saves like any queued pin.
 */
describe.each(WORLDS)('one pin to several boards (%s)', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let token: string;
    let boards: Record<string, string>;
    const { now: clock, at } = movableClock();

    beforeAll(async () => {
        ({ emulator, token, boards } = await startWithAccount({ username: 'interval', now: clock, boardNames: ['Recipes', 'Desserts', 'Summer'] }));
    });
    afterAll(async () => emulator.close());
    beforeEach(() => emulator.resetRequests());

    const mode = (name: string, extra: Record<string, unknown> = {}) => ({ mode: name, accessToken: token, skipPreflight: true, ...extra });
    const creates = () => emulator.requestsTo('POST', '/v5/pins');
    const saves = () => emulator.requestsTo('POST', /^\/v5\/pins\/\d+\/save$/);

    it('creates the pin on the first board, then saves it to the two others 7 and 14 days later, each once across overlapping runs', async () => {
        const space = world.newSpace();
        const title = `Lemon tart ${worldName}`;
        const created = await space.run({
            baseUrl: emulator.baseUrl,
            payPerEvent: true,
            env: at('2026-08-03T09:00:00Z'),
            input: mode('create-pin', {
                pinTitle: title,
                imageUrl: `https://example.com/tart-${worldName}.jpg`,
                linkUrl: 'https://shop.example/tart',
                boards: [boards.Recipes, 'desserts', 'Summer'],
            }),
        });
        expect(created.exitCode, created.log).toBe(0);
        expect(created.items.map((item) => [item.source, item.status, item.boardId, item.publishAt])).toEqual([
            ['input', 'created', boards.Recipes, null],
            ['input boards[1]', 'scheduled', boards.Desserts, '2026-08-10T09:00:00Z'],
            ['input boards[2]', 'scheduled', boards.Summer, '2026-08-17T09:00:00Z'],
        ]);
        expect(created.items[1]!.reason).toBe(
            `Saves the pin of board ${boards.Recipes} to this board 7 days after it (POST /pins/{pin_id}/save), when it is due.`,
        );
        expect(creates()).toHaveLength(1);
        expect(sumCharges(created.charges, 'pin-created')).toBe(1);
        const firstPinId = created.items[0]!.id as string;

        // Queued the same again: nothing new, the saves are in the queue once.
        const again = await space.run({
            baseUrl: emulator.baseUrl,
            env: at('2026-08-03T10:00:00Z'),
            input: mode('create-pin', {
                pinTitle: title,
                imageUrl: `https://example.com/tart-${worldName}.jpg`,
                linkUrl: 'https://shop.example/tart',
                boards: [boards.Recipes, 'desserts', 'Summer'],
            }),
        });
        expect(again.items.map((item) => item.status)).toEqual(['skipped-duplicate', 'skipped-duplicate', 'skipped-duplicate']);

        const early = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-08-09T09:00:00Z'), input: mode('publish-scheduled') });
        expect(early.statusMessage).toBe('No pins of @interval were due. Next one due 2026-08-10T09:00:00Z (2 waiting).');

        // Two runs overlap when the first save falls due: it is sent once.
        const env = at('2026-08-10T09:05:00Z');
        const overlapping = await Promise.all(
            [1, 2].map(() => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env, input: mode('publish-scheduled') })),
        );
        expect(overlapping.map((run) => run.exitCode)).toEqual([0, 0]);
        expect(saves().map((request) => [request.path, (request.body as { board_id: string }).board_id])).toEqual([
            [`/v5/pins/${firstPinId}/save`, boards.Desserts],
        ]);
        const savedRows = overlapping.flatMap((run) => run.items.filter((item) => item.status === 'created'));
        expect(savedRows.map((item) => [item.boardId, item.title])).toEqual([[boards.Desserts, title]]);
        expect(overlapping.reduce((sum, run) => sum + sumCharges(run.charges, 'pin-created'), 0)).toBe(1);

        const second = await Promise.all(
            [1, 2].map(() =>
                space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-08-17T09:01:00Z'), input: mode('publish-scheduled') }),
            ),
        );
        expect(saves().map((request) => (request.body as { board_id: string }).board_id)).toEqual([boards.Desserts, boards.Summer]);
        expect(second.reduce((sum, run) => sum + sumCharges(run.charges, 'pin-created'), 0)).toBe(1);
        expect(creates()).toHaveLength(1);
        expect(emulator.state.listPinsOfBoard(boards.Summer!).map((pin) => pin.title)).toEqual([title]);
    });

    it('fails a save whose first pin was cancelled, with that reason, and holds saves while the queue is paused', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        const queued = await run(
            mode('create-pin', {
                pins: [
                    {
                        pinTitle: `Cancelled first ${worldName}`,
                        imageUrl: `https://example.com/c-${worldName}.jpg`,
                        boards: ['Recipes', 'Desserts'],
                        boardIntervalDays: 2,
                        publishAt: '2026-09-01T09:00:00Z',
                    },
                ],
            }),
            '2026-08-31T09:00:00Z',
        );
        expect(queued.items.map((item) => [item.status, item.publishAt])).toEqual([
            ['scheduled', '2026-09-01T09:00:00Z'],
            ['scheduled', '2026-09-03T09:00:00Z'],
        ]);
        await run(mode('cancel-scheduled', { scheduleIds: [queued.items[0]!.scheduleId] }), '2026-08-31T10:00:00Z');
        await run(mode('pause-queue'), '2026-08-31T11:00:00Z');
        const held = await run(mode('publish-scheduled'), '2026-09-03T10:00:00Z');
        expect(held.statusMessage).toContain('is paused since 2026-08-31T11:00:00Z: nothing was published (1 due pin held');
        await run(mode('resume-queue'), '2026-09-03T10:00:00Z');
        const failed = await run(mode('publish-scheduled'), '2026-09-03T10:00:00Z');
        expect(failed.items.map((item) => [item.status, item.error && (item.error as { message: string }).message])).toEqual([
            [
                'failed',
                `The pin for board ${boards.Recipes} was cancelled (schedule ${queued.items[0]!.scheduleId}), so it was not saved to board ${boards.Desserts}.`,
            ],
        ]);
        expect(saves()).toEqual([]);
        expect(failed.charges).toEqual([]);
    });

    it('a save follows its first pin when update-scheduled changes that pin (a new identity)', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        const queued = await run(
            mode('create-pin', {
                pinTitle: `Draft title ${worldName}`,
                imageUrl: `https://example.com/d-${worldName}.jpg`,
                boards: ['Recipes', 'Summer'],
                boardIntervalDays: 1,
                publishAt: '2026-11-01T09:00:00Z',
            }),
            '2026-10-31T09:00:00Z',
        );
        const edited = await run(
            mode('update-scheduled', { scheduleIds: [queued.items[0]!.scheduleId], changes: { pinTitle: `Final title ${worldName}` } }),
            '2026-10-31T10:00:00Z',
        );
        expect(edited.items.map((item) => item.status)).toEqual(['updated']);
        const first = await run(mode('publish-scheduled'), '2026-11-01T09:01:00Z');
        expect(first.items.map((item) => [item.title, item.status])).toEqual([[`Final title ${worldName}`, 'created']]);
        const saved = await run(mode('publish-scheduled'), '2026-11-02T09:01:00Z');
        expect(saved.items.map((item) => [item.status, item.boardId])).toEqual([['created', boards.Summer]]);
        expect(saves().map((request) => request.path)).toEqual([`/v5/pins/${first.items[0]!.id}/save`]);
    });

    it('a save whose answer was lost is found on the board, not sent again, and charged once', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        const title = `Lost answer ${worldName}`;
        const created = await run(
            mode('create-pin', {
                pinTitle: title,
                imageUrl: `https://example.com/l-${worldName}.jpg`,
                boards: ['Recipes', 'Summer'],
                boardIntervalDays: 1,
            }),
            '2026-12-01T09:00:00Z',
        );
        expect(created.items.map((item) => item.status)).toEqual(['created', 'scheduled']);
        emulator.injectFault({ kind: 'drop-after-commit', match: { method: 'POST', path: /^\/v5\/pins\/\d+\/save$/ } });
        const saved = await run(mode('publish-scheduled', { reconcileWaitSeconds: 0 }), '2026-12-02T09:01:00Z');
        emulator.clearFaults();
        expect(saved.exitCode, saved.log).toBe(0);
        expect(saved.items.map((item) => [item.status, item.boardId])).toEqual([['created', boards.Summer]]);
        expect(saved.log).toContain(`on board ${boards.Summer}: the unanswered request had created it`);
        expect(saves()).toHaveLength(1);
        expect(sumCharges(saved.charges, 'pin-created')).toBe(1);
        expect(emulator.state.listPinsOfBoard(boards.Summer!).filter((pin) => pin.title === title)).toHaveLength(1);
        const again = await run(mode('publish-scheduled'), '2026-12-02T10:00:00Z');
        expect(again.items).toEqual([]);
        expect(saves()).toHaveLength(1);
    });

    it('refuses boards with one board, or boardIntervalDays out of range, before any request', async () => {
        const one = await world.run({
            baseUrl: emulator.baseUrl,
            input: mode('create-pin', { pinTitle: 'x', imageUrl: 'https://example.com/x.jpg', boards: ['Recipes'] }),
        });
        expect(one.exitCode).not.toBe(0);
        expect(one.statusMessage).toContain('boards must list 2 to 20 boards (for one board, use boardId or boardName)');
        const far = await world.run({
            baseUrl: emulator.baseUrl,
            input: mode('create-pin', { pinTitle: 'x', imageUrl: 'https://example.com/x.jpg', boards: ['Recipes', 'Summer'], boardIntervalDays: 91 }),
        });
        expect(far.exitCode).not.toBe(0);
        expect(far.statusMessage).toContain('boardIntervalDays must be at most 90');
        expect(emulator.requests).toEqual([]);
    });
});
