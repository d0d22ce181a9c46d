import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { PinterestEmulator } from '../emulator/index.js';
import { movableClock, startWithAccount } from './fixture.js';
import { sumCharges } from './harness.js';
import { storageCalls, useWorld, WORLDS } from './worlds.js';

type Output = { warnings: string[]; details?: Record<string, unknown> };

/**
 * Pausing the queue (pause-queue) and lifting the pause (resume-queue), end to end in both worlds: a paused queue
 * publishes nothing and says since when, a due pin waits, create-pin still queues (and says so), and on resume
 * the missed pins go out in due order, or move to the next free slots with rescheduleMissed. Time is moved with
 * ACTOR_TEST_NOW, never waited for.
 */
describe.each(WORLDS)('pausing the queue (%s)', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let token: string;
    let boardId: string;
    const { now: clock, at } = movableClock();

    beforeAll(async () => {
        ({ emulator, token, boardId } = await startWithAccount({ username: 'pauser', now: clock, boardNames: ['Holiday'] }));
    });
    afterAll(async () => emulator.close());
    beforeEach(() => emulator.resetRequests());

    const mode = (name: string, extra: Record<string, unknown> = {}) => ({ mode: name, accessToken: token, skipPreflight: true, ...extra });
    const pin = (title: string, publishAt: string, extra: Record<string, unknown> = {}) => ({
        boardId,
        pinTitle: title,
        imageUrl: `https://example.com/${encodeURIComponent(title)}-${worldName}.jpg`,
        publishAt,
        ...extra,
    });
    const titlesPosted = () => emulator.requestsTo('POST', '/v5/pins').map((request) => (request.body as { title: string }).title);

    it('pauses: a due pin is held, create-pin still queues, and on resume the missed pins go out in due order, saying how late', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        const queued = await run(
            mode('create-pin', {
                pins: [pin('First due', '2026-05-01T09:00:00Z'), pin('Second due', '2026-05-01T10:00:00Z'), pin('Next week', '2026-05-08T09:00:00Z')],
            }),
            '2026-05-01T08:00:00Z',
        );
        expect(queued.exitCode, queued.log).toBe(0);

        const paused = await run(mode('pause-queue'), '2026-05-01T08:30:00Z');
        expect(paused.exitCode, paused.log).toBe(0);
        expect(paused.statusMessage).toBe(
            'Paused publishing for @pauser since 2026-05-01T08:30:00Z: publish-scheduled publishes nothing until resume-queue (3 pins waiting).',
        );
        expect(paused.charges).toEqual([]);
        const again = await run(mode('pause-queue'), '2026-05-01T08:40:00Z');
        expect(again.statusMessage).toContain('Publishing was already paused for @pauser since 2026-05-01T08:30:00Z');

        const listed = await run(mode('list-scheduled'), '2026-05-01T10:00:00Z');
        expect(listed.statusMessage).toBe(
            'Listed 3 queued pins of @pauser (3 scheduled). Publishing is paused since 2026-05-01T08:30:00Z: run resume-queue to go on.',
        );

        const held = await run(mode('publish-scheduled'), '2026-05-01T11:00:00Z');
        expect(held.exitCode, held.log).toBe(0);
        expect(held.statusMessage).toBe(
            'Publishing for @pauser is paused since 2026-05-01T08:30:00Z: nothing was published (2 due pins held, 3 waiting). Run resume-queue to go on.',
        );
        expect(held.items).toEqual([]);
        expect(titlesPosted()).toEqual([]);

        const intoPaused = await run(mode('create-pin', { pins: [pin('Queued while paused', '2026-05-02T09:00:00Z')] }), '2026-05-01T11:05:00Z');
        expect(intoPaused.exitCode, intoPaused.log).toBe(0);
        expect(intoPaused.items.map((item) => item.status)).toEqual(['scheduled']);
        expect((intoPaused.record('OUTPUT') as Output).warnings).toContain(
            'Publishing for @pauser is paused since 2026-05-01T08:30:00Z: the pins are queued, and go out only after resume-queue.',
        );

        const resumed = await run(mode('resume-queue'), '2026-05-01T13:00:00Z');
        expect(resumed.exitCode, resumed.log).toBe(0);
        expect(resumed.statusMessage).toBe(
            'Resumed publishing for @pauser (paused since 2026-05-01T08:30:00Z): 2 pins fell due meanwhile and go out with the next publish-scheduled run, in due order.',
        );
        expect(resumed.items.map((item) => [item.title, item.status, item.publishAt])).toEqual([
            ['First due', 'scheduled', '2026-05-01T09:00:00Z'],
            ['Second due', 'scheduled', '2026-05-01T10:00:00Z'],
        ]);
        expect(Object.keys(space.namedStore('pinterest-pin-queue')).filter((key) => key.includes('-a-paused-'))).toEqual([]);

        const published = await run(mode('publish-scheduled'), '2026-05-01T13:00:00Z');
        expect(published.exitCode, published.log).toBe(0);
        expect(published.items.map((item) => [item.title, item.status, item.lateByMinutes])).toEqual([
            ['First due', 'created', 240],
            ['Second due', 'created', 180],
        ]);
        expect(titlesPosted()).toEqual(['First due', 'Second due']);
        expect(sumCharges(published.charges, 'pin-created')).toBe(2);
        expect(published.statusMessage).toBe('Created 2 pins. Next pin of @pauser due 2026-05-02T09:00:00Z (2 waiting).');
    });

    it('with rescheduleMissed, moves the missed pins to the next free slots of the spacing and publishes nothing late', async () => {
        const space = world.newSpace();
        const run = (input: unknown, iso: string) => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at(iso), input });
        await run(
            mode('create-pin', {
                pins: [pin('Missed one', '2026-06-01T09:00:00Z'), pin('Missed two', '2026-06-01T15:00:00Z'), pin('Kept', '2026-06-02T09:00:00Z')],
            }),
            '2026-06-01T08:00:00Z',
        );
        await run(mode('pause-queue'), '2026-06-01T08:30:00Z');
        const spacing = { timeSlots: ['09:00', '15:00'] };
        const resumed = await run(mode('resume-queue', { rescheduleMissed: true, spacing, timeZone: 'UTC' }), '2026-06-01T16:00:00Z');
        expect(resumed.exitCode, resumed.log).toBe(0);
        // 09:00 on June 2 is taken by "Kept": the missed pins take the next free slots after it, in their order.
        expect(resumed.items.map((item) => [item.title, item.status, item.publishAt])).toEqual([
            ['Missed one', 'scheduled', '2026-06-02T15:00:00Z'],
            ['Missed two', 'scheduled', '2026-06-03T09:00:00Z'],
        ]);
        expect(resumed.statusMessage).toBe(
            'Resumed publishing for @pauser (paused since 2026-06-01T08:30:00Z): moved 2 pins that fell due to the next free slots, the first at 2026-06-02T15:00:00Z.',
        );

        const idle = await run(mode('publish-scheduled'), '2026-06-01T16:05:00Z');
        expect(idle.statusMessage).toBe('No pins of @pauser were due. Next one due 2026-06-02T09:00:00Z (3 waiting).');
        const due = await run(mode('publish-scheduled'), '2026-06-02T15:01:00Z');
        expect(due.items.map((item) => [item.title, item.status])).toEqual([
            ['Kept', 'created'],
            ['Missed one', 'created'],
        ]);
        expect(titlesPosted()).toEqual(['Kept', 'Missed one']);
    });

    it('refuses rescheduleMissed without a rhythm to follow, before any request', async () => {
        const refused = await world.run({ baseUrl: emulator.baseUrl, input: mode('resume-queue', { rescheduleMissed: true }) });
        expect(refused.exitCode).not.toBe(0);
        expect(refused.statusMessage).toContain('rescheduleMissed needs spacing with timeSlots or intervalMinutes');
        expect(emulator.requests).toEqual([]);
    });

    if (worldName === 'platform') {
        it('a paused, idle publish-scheduled run costs no more storage calls than an idle one', async () => {
            const space = world.newSpace();
            await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-07-01T08:00:00Z'),
                input: mode('create-pin', { pins: [pin('Later', '2026-07-01T09:00:00Z')] }),
            });
            await space.run({ baseUrl: emulator.baseUrl, env: at('2026-07-01T08:10:00Z'), input: mode('pause-queue') });
            world.api!.resetCalls();
            const held = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-07-01T10:00:00Z'), input: mode('publish-scheduled') });
            expect(held.statusMessage).toContain('is paused since 2026-07-01T08:10:00Z');
            expect(storageCalls(world), JSON.stringify(world.api!.callCounts())).toBeLessThanOrEqual(5);
        });
    }
});
