/**
 * What the scheduling queue costs where users run it: on the platform every record read, write or listing is a call
 * to the Apify API, so the queue is laid out for the calls it makes. These tests count the stand-in's calls, never
 * time: an idle scheduled run makes a handful whatever the queue's history, a run with due pins a few per pin, and
 * a queue written in the first layout moves to the new one with nothing lost (both worlds).
 */
import { describe, expect, it } from 'vitest';

import { PinQueue, type QueueEntry } from '../../src/schedule/queue.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import { useAccount } from './use-account.js';
import { sumCharges } from './harness.js';
import { storageCalls, useWorld, WORLDS } from './worlds.js';

const QUEUE = 'pinterest-pin-queue';
const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T08:00:00Z');

const account = useAccount({ username: 'queueowner' });

const entry = (n: number, fields: Partial<QueueEntry>): QueueEntry => ({
    version: 1,
    scheduleId: n.toString(16).padStart(20, '0'),
    account: account.userId,
    environment: 'production',
    draft: { boardId: account.boardId, pinTitle: `Queued ${n}`, imageUrl: `https://example.com/q${n}.jpg` },
    publishAt: T0,
    status: 'scheduled',
    attempts: 0,
    queuedAt: T0 - 400 * DAY,
    queuedByRun: 'an-earlier-run',
    revision: 0,
    ...fields,
});

/** The records a queue with this history and these waiting pins holds, written by the queue itself. */
async function queueRecords(history: number, waiting: QueueEntry[]): Promise<Record<string, unknown>> {
    const records = new Map<string, string>();
    const queue = new PinQueue(memoryNamedStore(QUEUE, records), account.userId, 'production', { now: () => T0 });
    await queue.glance(); // writes the layout's marker, as a first run does
    for (let n = 1; n <= history; n += 1) {
        const publishedAt = T0 - 365 * DAY + Math.floor((n * 365 * DAY) / history);
        await queue.put(entry(100_000 + n, { status: 'published', publishAt: publishedAt, publishedAt, finishedAt: publishedAt, pinId: String(n) }));
    }
    for (const pin of waiting) await queue.put(pin);
    return Object.fromEntries([...records].map(([key, value]) => [key, JSON.parse(value) as unknown]));
}

const publish = () => ({ mode: 'publish-scheduled', accessToken: account.token });
const at = (ms: number) => ({ ACTOR_TEST_NOW: new Date(ms).toISOString() });

describe('the queue on the platform', () => {
    const world = useWorld('platform');

    it('an idle publish-scheduled run makes at most 5 storage calls with 5,000 pins of history', async () => {
        const space = world.newSpace();
        const waiting = [1, 2, 3].map((n) => entry(n, { publishAt: T0 + n * DAY }));
        space.seedNamedStore(QUEUE, await queueRecords(5_000, waiting));
        world.api!.resetCalls();
        const run = await space.run({ baseUrl: account.emulator.baseUrl, input: publish(), env: at(T0) });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.statusMessage).toBe('No pins of @queueowner were due. Next one due 2026-09-02T08:00:00Z (3 waiting).');
        expect(storageCalls(world), JSON.stringify(world.api!.callCounts())).toBeLessThanOrEqual(5);
    });

    it('a run with due pins makes a few calls per pin, whatever the history', async () => {
        const cost = async (history: number, due: number) => {
            const space = world.newSpace();
            const pins = Array.from({ length: due }, (_, index) =>
                entry(history * 10 + index, {
                    publishAt: T0 - (index + 1) * 60_000,
                    draft: {
                        boardId: account.boardId,
                        pinTitle: `Due ${history} ${due} ${index}`,
                        imageUrl: `https://example.com/d${history}-${due}-${index}.jpg`,
                    },
                }),
            );
            space.seedNamedStore(QUEUE, await queueRecords(history, pins));
            world.api!.resetCalls();
            const run = await space.run({ baseUrl: account.emulator.baseUrl, input: publish(), env: at(T0), payPerEvent: true });
            expect(run.exitCode, run.log).toBe(0);
            expect(run.items.map((item) => item.status)).toEqual(Array(due).fill('created'));
            expect(sumCharges(run.charges, 'pin-created')).toBe(due);
            return storageCalls(world);
        };
        const [twoShort, twoLong, fourLong] = [await cost(50, 2), await cost(5_000, 2), await cost(5_000, 4)];
        expect(twoLong).toBe(twoShort);
        // Each pin: its queue entry read, leased, checked before the POST and settled (read, then its new index key,
        // the entry and the old key: 7); its ledger claim written, read back, checked, and the attempt and result
        // recorded, with the pin's attribution and its place in the index of published pins (8); its row pushed
        // between two progress writes (3).
        expect((fourLong - twoLong) / 2).toBeLessThanOrEqual(18);
    });

    it('list-scheduled of the next 25 among 5,000 waiting pins reads those 25', async () => {
        const space = world.newSpace();
        const waiting = Array.from({ length: 5_000 }, (_, index) => entry(index + 1, { publishAt: T0 + (index + 1) * 3_600_000 }));
        space.seedNamedStore(QUEUE, await queueRecords(0, waiting));
        world.api!.resetCalls();
        const run = await space.run({
            baseUrl: account.emulator.baseUrl,
            input: { mode: 'list-scheduled', accessToken: account.token, maxItems: 25, statusFilter: ['scheduled'] },
            env: at(T0),
        });
        expect(run.exitCode, run.log).toBe(0);
        expect(run.items).toHaveLength(25);
        expect(run.items[0]).toMatchObject({ title: 'Queued 1', publishAt: '2026-09-01T09:00:00Z' });
        expect(world.api!.callCounts()['kv.get']).toBeLessThanOrEqual(25 + 2);
    });
});

describe.each(WORLDS)('a queue of the first layout (%s)', (worldName) => {
    const world = useWorld(worldName);

    it('moves to the new layout on first touch with nothing lost, and publishes what is due', async () => {
        const space = world.newSpace();
        // The first layout kept every pin as `q-<account>-<schedule id>`, whatever its status.
        const legacy = new PinQueue(memoryNamedStore(QUEUE), account.userId, 'production');
        const prefix = (legacy as unknown as { legacyPrefix: string }).legacyPrefix;
        const pins = [
            entry(1, {
                publishAt: T0 - 60_000,
                draft: { boardId: account.boardId, pinTitle: `Legacy due ${worldName}`, imageUrl: 'https://example.com/l1.jpg' },
            }),
            entry(2, { publishAt: T0 + DAY }),
            entry(3, { status: 'published', publishedAt: T0 - DAY, pinId: '845000000000000001' }),
            entry(4, { status: 'cancelled' }),
        ].map(({ revision: _revision, ...old }) => old);
        space.seedNamedStore(QUEUE, Object.fromEntries(pins.map((pin) => [`${prefix}${pin.scheduleId}`, pin])));

        const listed = await space.run({
            baseUrl: account.emulator.baseUrl,
            input: { mode: 'list-scheduled', accessToken: account.token },
            env: at(T0),
        });
        expect(listed.exitCode, listed.log).toBe(0);
        expect(listed.items.map((item) => [item.scheduleId, item.status])).toEqual([
            [pins[0]!.scheduleId, 'scheduled'],
            [pins[1]!.scheduleId, 'scheduled'],
            [pins[2]!.scheduleId, 'published'],
            [pins[3]!.scheduleId, 'cancelled'],
        ]);
        const keys = Object.keys(space.namedStore(QUEUE));
        expect(keys.filter((key) => key.startsWith(prefix))).toEqual([]);
        expect(keys.filter((key) => key.includes('-e-'))).toHaveLength(4);

        const published = await space.run({ baseUrl: account.emulator.baseUrl, input: publish(), env: at(T0), payPerEvent: true });
        expect(published.exitCode, published.log).toBe(0);
        expect(published.items.map((item) => [item.title, item.status])).toEqual([[`Legacy due ${worldName}`, 'created']]);
        expect(published.statusMessage).toBe('Created 1 pin. Next pin of @queueowner due 2026-09-02T08:00:00Z (1 waiting).');
    });
});
