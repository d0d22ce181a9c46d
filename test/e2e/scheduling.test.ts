import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type PinterestEmulator, startEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';
import { type RunView, sumCharges } from './harness.js';
import { useWorld, WORLDS } from './worlds.js';

/**
 * The scheduling queue end to end. Time is moved, not waited for: the Actor reads its clock from ACTOR_TEST_NOW and
 * the emulator from the same offset, so a test can put a run days after the one that queued the pins.
 */
describe.each(WORLDS)('%s world', (worldName) => {
    const world = useWorld(worldName);
    let emulator: PinterestEmulator;
    let token: string;
    let boardId: string;
    let offsetMs = 0;
    const clock = () => Date.now() + offsetMs;
    /** Sets both clocks to `iso` (they then run on at real speed). */
    const setTime = (iso: string) => (offsetMs = Date.parse(iso) - Date.now());
    const at = (iso: string) => ({ ACTOR_TEST_NOW: (setTime(iso), new Date(clock()).toISOString()) });

    beforeAll(async () => {
        emulator = await startEmulator({ now: clock });
        const app = emulator.state.createApp({});
        const userId = emulator.state.createUser({ username: 'scheduler' }).id;
        token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
        boardId = emulator.state.createBoard(userId, { name: 'Calendar' }).id;
    });

    afterAll(async () => emulator.close());

    beforeEach(() => {
        emulator.clearFaults();
        emulator.resetRequests();
    });

    const create = (pins: unknown[], extra: Record<string, unknown> = {}) => ({
        mode: 'create-pin',
        accessToken: token,
        skipPreflight: true,
        pins,
        ...extra,
    });
    const publish = (extra: Record<string, unknown> = {}) => ({ mode: 'publish-scheduled', accessToken: token, skipPreflight: true, ...extra });
    const pin = (title: string, extra: Record<string, unknown> = {}) => ({
        boardId,
        pinTitle: title,
        imageUrl: `https://example.com/${encodeURIComponent(title)}.jpg`,
        ...extra,
    });
    const posts = () => emulator.requestsTo('POST', '/v5/pins');
    /**
     * The run's progress record says the first row is stored (and charged). Locally the SDK writes that record to
     * disk in the background: a kill before it lands is a kill before the row counted as stored.
     */
    const firstRowRecorded = (run: RunView) => ((run.record('PUBLISH-PROGRESS') as { pushed?: number } | undefined)?.pushed ?? 0) >= 1;
    const titlesPosted = () => posts().map((request) => (request.body as { title: string }).title);

    describe('queue and publish', () => {
        it('queues future pins without posting them, publishes each once when due, in publishAt order, and then nothing', async () => {
            const space = world.newSpace();
            const queued = await space.run({
                baseUrl: emulator.baseUrl,
                payPerEvent: true,
                env: at('2026-03-10T08:00:00Z'),
                input: create([
                    pin('Later', { publishAt: '2026-03-10T12:00:00Z' }),
                    pin('Sooner', { publishAt: '2026-03-10T10:30:00+01:00' }),
                    pin('Now'),
                    pin('Past', { publishAt: '2026-03-09T12:00:00Z' }),
                ]),
            });
            expect(queued.exitCode).toBe(0);
            expect(queued.items.map((item) => [item.title, item.status, item.publishAt])).toEqual([
                ['Later', 'scheduled', '2026-03-10T12:00:00Z'],
                ['Sooner', 'scheduled', '2026-03-10T09:30:00Z'],
                ['Now', 'created', null],
                ['Past', 'created', null],
            ]);
            expect(queued.items[0]!.scheduleId).toMatch(/^[a-f0-9]{20}$/);
            expect(titlesPosted()).toEqual(['Now', 'Past']);
            expect(sumCharges(queued.charges, 'pin-created')).toBe(2);
            expect(queued.statusMessage).toBe('Created 2 pins, scheduled 2 pins. Next scheduled pin: 2026-03-10T09:30:00Z.');

            const early = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-03-10T09:00:00Z'), input: publish() });
            expect(early.exitCode).toBe(0);
            expect(early.statusMessage).toBe('No pins of @scheduler were due. Next one due 2026-03-10T09:30:00Z (2 waiting).');
            expect(posts()).toHaveLength(2);

            const due = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-03-10T13:00:00Z'), input: publish() });
            expect(due.exitCode).toBe(0);
            expect(due.items.map((item) => [item.title, item.status, item.lateByMinutes])).toEqual([
                ['Sooner', 'created', 210],
                ['Later', 'created', 60],
            ]);
            expect(titlesPosted()).toEqual(['Now', 'Past', 'Sooner', 'Later']);
            expect(sumCharges(due.charges, 'pin-created')).toBe(2);
            expect(due.statusMessage).toBe('Created 2 pins. @scheduler has no more pins waiting.');

            const again = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-03-10T14:00:00Z'), input: publish() });
            expect(again.statusMessage).toBe('No pins of @scheduler were due. @scheduler has no more pins waiting.');
            expect(posts()).toHaveLength(4);
            expect(again.charges).toEqual([]);

            // The queue and the ledger live in named stores, which outlive every run's default storage.
            const listed = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-03-10T14:00:00Z'),
                input: { mode: 'list-scheduled', accessToken: token, skipPreflight: true },
            });
            // Finished pins are the queue's history, the latest first.
            expect(listed.items.map((item) => [item.title, item.status, item.attempts])).toEqual([
                ['Later', 'published', 0],
                ['Sooner', 'published', 0],
            ]);
            expect(listed.items[1]!.id).toBe(due.items[0]!.id);
            expect(Object.keys(space.namedStore('pinterest-pin-ledger')).filter((key) => key.startsWith('pin-'))).toHaveLength(4);
        });

        it('lets two overlapping publish-scheduled runs post each due pin once', async () => {
            // Two runs of one task share the named stores (locally, the overlapping run's store folders are links to them).
            const space = world.newSpace();
            const titles = ['Overlap 1', 'Overlap 2', 'Overlap 3', 'Overlap 4'];
            await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-04-01T08:00:00Z'),
                input: create(titles.map((title) => pin(title, { publishAt: '2026-04-01T09:00:00Z' }))),
            });
            expect(posts()).toHaveLength(0);

            const env = at('2026-04-01T09:05:00Z');
            const runs = await Promise.all([1, 2].map(() => space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env, input: publish() })));
            expect(runs.map((run) => run.exitCode)).toEqual([0, 0]);
            expect([...titlesPosted()].sort()).toEqual(titles);
            const created = runs.flatMap((run) => run.items.filter((item) => item.status === 'created'));
            expect(created.map((item) => item.title).sort()).toEqual(titles);
            expect(runs.reduce((total, run) => total + sumCharges(run.charges, 'pin-created'), 0)).toBe(4);
        });

        it('retries a pin that met a 5xx in later runs with backoff, then marks it failed after maxAttempts', async () => {
            const space = world.newSpace();
            await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-05-01T08:00:00Z'),
                input: create([pin('Flaky', { publishAt: '2026-05-01T09:00:00Z' })]),
            });
            emulator.injectFault({ kind: 'server-error', status: 503, match: { method: 'POST', path: '/v5/pins' }, times: 100 });
            const input = publish({ maxAttempts: 2, reconcileWaitSeconds: 1 });

            const first = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-05-01T09:01:00Z'), input });
            expect(first.items.map((item) => item.status)).toEqual(['unconfirmed']);
            const waiting = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-05-01T09:05:00Z'),
                input: { mode: 'list-scheduled', accessToken: token, skipPreflight: true },
            });
            expect(waiting.items[0]).toMatchObject({ status: 'scheduled', attempts: 1, nextAttemptAt: expect.stringMatching(/^2026-05-01T09:16/) });
            expect(String(waiting.items[0]!.lastError)).toMatch(/did not confirm/);

            const tooSoon = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-05-01T09:10:00Z'), input });
            expect(tooSoon.items).toEqual([]);
            expect(posts()).toHaveLength(1);

            // By the next attempt the first one is long enough ago to be provably absent from the board: posted again.
            const last = await space.run({ baseUrl: emulator.baseUrl, payPerEvent: true, env: at('2026-05-01T09:30:00Z'), input });
            expect(last.items.map((item) => item.status)).toEqual(['unconfirmed']);
            expect(posts()).toHaveLength(2);
            const listed = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-05-01T10:00:00Z'),
                input: { mode: 'list-scheduled', accessToken: token, skipPreflight: true, statusFilter: ['failed'] },
            });
            expect(listed.items).toHaveLength(1);
            expect(listed.items[0]).toMatchObject({ title: 'Flaky', status: 'failed', attempts: 2 });
            expect(first.charges).toEqual([]);
            expect(last.charges).toEqual([]);

            const after = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-05-02T10:00:00Z'), input });
            expect(after.items).toEqual([]);
            expect(posts()).toHaveLength(2);
        });
    });

    describe('restarts', () => {
        it('resumes a publish-scheduled run killed after a POST: each due pin posted once, one row and one charge each', async () => {
            const space = world.newSpace();
            const titles = ['Resume 1', 'Resume 2', 'Resume 3'];
            await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-09-01T08:00:00Z'),
                input: create(titles.map((title) => pin(title, { publishAt: '2026-09-01T09:00:00Z' }))),
            });
            const onBoard = () => emulator.state.listPinsOfBoard(boardId).filter((item) => titles.includes(String(item.title)));
            // The answer to the second POST is held back: that pin exists on Pinterest when the process dies.
            emulator.injectFault({ kind: 'slow', delayMs: 10_000, match: { method: 'POST', path: '/v5/pins' }, skip: 1 });
            const env = at('2026-09-01T09:05:00Z');
            const killed = await space.run({
                baseUrl: emulator.baseUrl,
                payPerEvent: true,
                env,
                input: publish(),
                // Not before the first pin is stored and charged: the SDK stores a row, then charges it, and a kill between
                // the two loses that one charge (never doubles it), which is not what this test is about.
                killWhen: (run) => onBoard().length >= 2 && run.charges().length >= 1 && firstRowRecorded(run),
            });
            expect(killed.exitCode).toBeNull();

            emulator.clearFaults();
            const resumed = await space.restart(killed, { baseUrl: emulator.baseUrl, payPerEvent: true, env, input: publish() });
            expect(resumed.exitCode).toBe(0);
            expect(
                onBoard()
                    .map((item) => item.title)
                    .sort(),
            ).toEqual(titles);
            expect(resumed.items.map((item) => [item.title, item.status])).toEqual(titles.map((title) => [title, 'created']));
            expect(sumCharges(resumed.charges, 'pin-created')).toBe(3);
            const listed = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-09-01T10:00:00Z'),
                input: { mode: 'list-scheduled', accessToken: token, skipPreflight: true },
            });
            expect(listed.items.map((item) => item.status)).toEqual(['published', 'published', 'published']);
        });
    });

    describe('spacing and time zones', () => {
        it("puts pins in daily time slots in the user's zone, across the spring-forward night, in UTC", async () => {
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-03-28T12:00:00Z'),
                input: create(
                    ['Slot 1', 'Slot 2', 'Slot 3', 'Slot 4'].map((title) => pin(title)),
                    { timeZone: 'Europe/Berlin', spacing: { timeSlots: ['09:00', '18:00'] } },
                ),
            });
            expect(run.exitCode).toBe(0);
            // 18:00 CET is 17:00Z; after the clocks go forward on 29 March, 09:00 CEST is 07:00Z and 18:00 CEST 16:00Z.
            expect(run.items.map((item) => item.publishAt)).toEqual([
                '2026-03-28T17:00:00Z',
                '2026-03-29T07:00:00Z',
                '2026-03-29T16:00:00Z',
                '2026-03-30T07:00:00Z',
            ]);
            expect(posts()).toHaveLength(0);
        });

        it('spaces pins by an interval from startAt, read in the zone, and reads times without an offset in it too', async () => {
            const run = await world.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-10-24T12:00:00Z'),
                input: create([pin('Every 1'), pin('Every 2'), pin('Every 3'), pin('Fixed', { publishAt: '2026-10-25T02:30' })], {
                    timeZone: 'Europe/Berlin',
                    spacing: { startAt: '2026-10-24T22:00', intervalMinutes: 360 },
                }),
            });
            expect(run.exitCode).toBe(0);
            // 22:00 CEST is 20:00Z; then every 6 hours of elapsed time. 02:30 on 25 October happens twice in Berlin:
            // the earlier one (CEST, 00:30Z) is taken.
            expect(run.items.map((item) => item.publishAt)).toEqual([
                '2026-10-24T20:00:00Z',
                '2026-10-25T02:00:00Z',
                '2026-10-25T08:00:00Z',
                '2026-10-25T00:30:00Z',
            ]);
        });

        it('moves a pin whose link went out too recently (minDaysBetweenSameLink), counting what the ledger says was published', async () => {
            const space = world.newSpace();
            const link = 'https://example.com/recipes/tart';
            await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-06-01T08:00:00Z'),
                input: create([pin('Tart now', { linkUrl: link })]),
            });
            const run = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-06-01T08:30:00Z'),
                input: create([pin('Tart again', { linkUrl: link }), pin('Other', { linkUrl: 'https://example.com/other' })], {
                    spacing: { timeSlots: ['09:00'], minDaysBetweenSameLink: 3 },
                }),
            });
            expect(run.items.map((item) => [item.title, item.publishAt])).toEqual([
                ['Tart again', '2026-06-04T09:00:00Z'],
                ['Other', '2026-06-01T09:00:00Z'],
            ]);
        });
    });

    describe('cancel and reschedule', () => {
        it('cancels pins by id or all at once, moves others, and publish-scheduled posts only what is left', async () => {
            const space = world.newSpace();
            const queued = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-07-01T08:00:00Z'),
                input: create(['Keep', 'Cancel', 'Move'].map((title) => pin(title, { publishAt: '2026-07-01T09:00:00Z' }))),
            });
            const [keep, cancel, move] = queued.items.map((item) => String(item.scheduleId));
            const cancelled = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-07-01T08:10:00Z'),
                input: { mode: 'cancel-scheduled', accessToken: token, skipPreflight: true, scheduleIds: [cancel, 'ffffffffffffffffffff'] },
            });
            expect(cancelled.exitCode).toBe(0);
            expect(cancelled.items).toMatchObject([{ scheduleId: cancel, status: 'cancelled' }]);
            expect(cancelled.statusMessage).toBe('Cancelled 1 pin of @scheduler; 1 schedule id not in the queue (ffffffffffffffffffff).');
            const moved = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-07-01T08:20:00Z'),
                input: {
                    mode: 'cancel-scheduled',
                    accessToken: token,
                    skipPreflight: true,
                    scheduleIds: [move],
                    newPublishAt: '2026-07-02T09:00',
                    timeZone: 'America/New_York',
                },
            });
            expect(moved.items).toMatchObject([{ scheduleId: move, status: 'scheduled', publishAt: '2026-07-02T13:00:00Z' }]);

            const published = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-07-01T10:00:00Z'), input: publish() });
            expect(published.items.map((item) => [item.scheduleId, item.status])).toEqual([[keep, 'created']]);
            expect(titlesPosted()).toEqual(['Keep']);

            const all = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-07-01T11:00:00Z'),
                input: { mode: 'cancel-scheduled', accessToken: token, skipPreflight: true, cancelAll: true },
            });
            expect(all.items).toMatchObject([{ scheduleId: move, status: 'cancelled' }]);
            const later = await space.run({ baseUrl: emulator.baseUrl, env: at('2026-07-03T10:00:00Z'), input: publish() });
            expect(later.items).toEqual([]);
            expect(titlesPosted()).toEqual(['Keep']);
        });

        it('dry run reports would-schedule and queues nothing', async () => {
            const space = world.newSpace();
            const run = await space.run({
                baseUrl: emulator.baseUrl,
                env: at('2026-08-01T08:00:00Z'),
                input: create([pin('Dry', { publishAt: '2026-08-02T09:00:00Z' })], { dryRun: true }),
            });
            expect(run.items).toMatchObject([{ status: 'would-schedule', publishAt: '2026-08-02T09:00:00Z' }]);
            expect(space.namedStore('pinterest-pin-queue')).toEqual({});
        });
    });
});
