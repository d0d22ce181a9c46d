/**
 * publish-scheduled and cancel-scheduled in-process, at the seams: their real code over named stores in memory, a
 * fake Pinterest and a clock that moves only when someone waits. Overlapping runs, a batch longer than a lease,
 * a cancel racing a publish and damaged records are driven by the clock and by hooks, never by sleeping.
 */
import { describe, expect, it } from 'vitest';

import { cancelScheduled } from '../../src/modes/cancel-scheduled.js';
import { listScheduled } from '../../src/modes/list-scheduled.js';
import { publishScheduledInput } from '../../src/modes/publish-scheduled/input.js';
import { publishDuePins } from '../../src/modes/publish-scheduled/run.js';
import type { ModeContext } from '../../src/modes/types.js';
import { EVENTS } from '../../src/output/events.js';
import type { PinterestClient } from '../../src/pinterest/client.js';
import { LEASE_MS, PinQueue, type QueueEntry } from '../../src/schedule/queue.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import type { RunJournal } from '../../src/storage/journal.js';
import { FakePinterest, memoryOutput, silentLog, testClock } from './support/fakes.js';

const BOARD = '700000000000000009';
const USER = 'user-1';
const T0 = Date.parse('2026-10-05T09:00:00Z');

/** One account's world: its Pinterest, its named stores (shared by every run), and the clock. */
function account() {
    const clock = testClock(T0);
    const pinterest = new FakePinterest(clock).board(BOARD, 'Autumn');
    const client = Object.assign(pinterest, { getUserAccount: async () => ({ account: { id: USER, username: 'autumnshop' } }) });
    const named = new Map<string, Map<string, string>>();
    const store = (name: string) => {
        if (!named.has(name)) named.set(name, new Map());
        return memoryNamedStore(name, named.get(name));
    };
    const queue = new PinQueue(store('pinterest-pin-queue'), USER, 'production', { now: clock.now });
    return { clock, pinterest, client, store, queue, named };
}

type Account = ReturnType<typeof account>;

/** A run's context: fresh default storages, the account's named stores, the given input. */
function contextFor<I>(world: Account, input: I, runId: string) {
    const runRecords = new Map<string, unknown>();
    const journalRecords: { entry?: unknown } = {};
    const journal: RunJournal = { read: async () => journalRecords.entry, write: async (entry) => void (journalRecords.entry = entry) };
    const output = memoryOutput();
    const log = silentLog();
    const context: ModeContext<I> = {
        input,
        client: world.client as unknown as PinterestClient,
        output,
        journal,
        storage: {
            openNamedStore: async (name) => world.store(name),
            openRunStore: async () => ({
                getValue: async (key) => runRecords.get(key),
                setValue: async (key, value) => void runRecords.set(key, value),
            }),
        },
        log,
        now: world.clock.now,
        sleep: world.clock.sleep,
        runId,
    };
    return { context, output, log };
}

const publishInput = () => publishScheduledInput.parse({ mode: 'publish-scheduled', accessToken: 'pina_x' });

async function queuePins(world: Account, count: number, dueAt = T0 - 60_000): Promise<QueueEntry[]> {
    const entries: QueueEntry[] = [];
    for (let n = 1; n <= count; n += 1) {
        const entry: QueueEntry = {
            version: 1,
            scheduleId: n.toString(16).padStart(20, 'a'),
            account: USER,
            environment: 'production',
            draft: { boardId: BOARD, pinTitle: `Queued ${n}`, imageUrl: `https://example.com/${n}.jpg` },
            publishAt: dueAt + n,
            status: 'scheduled',
            attempts: 0,
            queuedAt: T0 - 86_400_000,
            queuedByRun: 'queueing-run',
            revision: 0,
        };
        await world.queue.put(entry);
        entries.push(entry);
    }
    return entries;
}

const postedTitles = (world: Account) => world.pinterest.posts.map((post) => post.title);

describe('publish-scheduled, overlapping', () => {
    it('a batch longer than a lease is not taken over by the next run: each pin posted once', async () => {
        const world = account();
        await queuePins(world, 40);
        // Pinterest takes the POSTs one at a time, a minute each (a write limit): the batch takes 40, four times a lease.
        let writes = Promise.resolve();
        world.pinterest.onPost = () => (writes = writes.then(() => world.clock.sleep(60_000)));
        const first = contextFor(world, publishInput(), 'run-1');
        const firstRun = publishDuePins(first.context);
        // The next scheduled run starts 15 minutes in, while the first is still at work.
        while (world.clock.now() < T0 + 15 * 60_000) await new Promise((resolve) => setImmediate(resolve));
        // By now the first run's first leases and claims would have lapsed, had it not renewed them.
        expect(world.clock.now() - T0).toBeGreaterThan(LEASE_MS);
        expect(world.pinterest.posts.length).toBeLessThan(40);
        const second = contextFor(world, publishInput(), 'run-2');
        const [a, b] = await Promise.all([firstRun, publishDuePins(second.context)]);

        const titles = postedTitles(world);
        expect(titles).toHaveLength(40);
        expect(new Set(titles).size).toBe(40);
        const created = (a.counts?.created ?? 0) + (b.counts?.created ?? 0);
        expect(created).toBe(40);
        expect((first.output.chargedHere[EVENTS.pinCreated] ?? 0) + (second.output.chargedHere[EVENTS.pinCreated] ?? 0)).toBe(40);
        for (const row of [...first.output.items, ...second.output.items].filter((item) => item.status !== 'created')) {
            expect(row).toMatchObject({ status: 'not-attempted', reason: expect.stringMatching(/another run/) });
        }
    });

    it('two runs starting at the same moment post each due pin once', async () => {
        const world = account();
        await queuePins(world, 12);
        const runs = ['run-a', 'run-b'].map((runId) => contextFor(world, publishInput(), runId));
        await Promise.all(runs.map(({ context }) => publishDuePins(context)));
        expect(postedTitles(world).sort()).toEqual(Array.from({ length: 12 }, (_, index) => `Queued ${index + 1}`).sort());
        const charged = runs.reduce((sum, run) => sum + (run.output.chargedHere[EVENTS.pinCreated] ?? 0), 0);
        expect(charged).toBe(12);
    });
});

describe('publish-scheduled, restarted', () => {
    it('a pin it stored before the restart gets no second row when another run reset its lease meanwhile', async () => {
        // Found by the kill soak (test/bench/kill-soak.ts): two runs lease the pin at once, this one wins the
        // ledger's claim, publishes and stores the row, and dies before settling the queue entry; the other run,
        // left without the claim, puts the entry back as it was (scheduled, no lease). The restarted process must
        // not lease the pin again under a new position: the ledger says this run created and stored it.
        const world = account();
        const [pin] = await queuePins(world, 1);
        const first = contextFor(world, publishInput(), 'run-1');
        await publishDuePins(first.context);
        expect(first.output.items).toMatchObject([{ status: 'created', position: 1 }]);
        await world.queue.put({ ...(await world.queue.get(pin!.scheduleId))!, status: 'scheduled', lease: undefined, pinId: undefined });

        const restarted = contextFor(world, publishInput(), 'run-1');
        restarted.context.storage = first.context.storage;
        restarted.context.journal = first.context.journal;
        await publishDuePins(restarted.context);
        expect(restarted.output.items).toEqual([]);
        expect(restarted.output.chargedHere[EVENTS.pinCreated]).toBeUndefined();
        expect(world.pinterest.posts).toHaveLength(1);
        expect(await world.queue.get(pin!.scheduleId)).toMatchObject({ status: 'published', pinId: first.output.items[0]!.id });
    });
});

describe('publish-scheduled, restarted after leaving a pin', () => {
    it('a pin it left to another run before the restart gets no second row', async () => {
        // Found by the kill soak: the restarted process walks the waiting pins again from the start, and a pin this
        // run had left (another run held the ledger's claim) and put back in the queue was leased and left again.
        const world = account();
        const [pin] = await queuePins(world, 1);
        world.pinterest.onPost = () => new Promise<void>(() => {}); // run-2 holds the ledger's claim, its POST never answered
        const holder = contextFor(world, publishInput(), 'run-2');
        void publishDuePins(holder.context);
        while ((await world.queue.get(pin!.scheduleId))?.lease?.runId !== 'run-2' || world.pinterest.posts.length > 0) await world.clock.sleep(10);
        await world.clock.sleep(5_000);
        // As when two runs lease at once and this one's lease lands last.
        await world.queue.put({ ...(await world.queue.get(pin!.scheduleId))!, status: 'scheduled', lease: undefined });

        const first = contextFor(world, publishInput(), 'run-1');
        await publishDuePins(first.context);
        expect(first.output.items).toMatchObject([{ status: 'not-attempted', reason: expect.stringMatching(/Another run/) }]);
        const restarted = contextFor(world, publishInput(), 'run-1');
        restarted.context.storage = first.context.storage;
        restarted.context.journal = first.context.journal;
        await publishDuePins(restarted.context);
        expect(restarted.output.items).toEqual([]);
        expect((await world.queue.get(pin!.scheduleId))?.status).toBe('scheduled');
    });
});

describe('cancel-scheduled racing publish-scheduled', () => {
    it('reports only what it did: pins being published are left and said to be, and go out once', async () => {
        const world = account();
        const pins = await queuePins(world, 5);
        let cancelSummary: string | undefined;
        world.pinterest.onPost = async (body) => {
            if (body.title !== 'Queued 1' || cancelSummary) return;
            const cancel = contextFor(world, { ...cancelInput(), cancelAll: true }, 'cancel-run');
            cancelSummary = (await cancelScheduled.run(cancel.context as never)).summary;
        };
        const publish = contextFor(world, publishInput(), 'run-1');
        await publishDuePins(publish.context);
        expect(cancelSummary).toBe('Cancelled 0 pins of @autumnshop; 5 already published or being published, left as they are.');
        expect(postedTitles(world)).toHaveLength(5);
        for (const pin of pins) expect((await world.queue.get(pin.scheduleId))?.status).toBe('published');
    });

    it('a pin cancelled after this run leased it is not sent: checked right before the POST', async () => {
        const world = account();
        const pins = await queuePins(world, 3);
        world.pinterest.onPost = async (body) => {
            // A cancel that read the pin before this run leased it writes afterwards.
            if (body.title === 'Queued 1')
                await world.queue.update(pins[2]!.scheduleId, (entry) => ({
                    ...entry,
                    status: 'cancelled',
                    lease: undefined,
                    finishedAt: world.clock.now(),
                }));
        };
        const publish = contextFor(world, publishInput(), 'run-1');
        await publishDuePins(publish.context);
        expect(postedTitles(world)).toEqual(['Queued 1', 'Queued 2']);
        expect(publish.output.items.map((item) => [item.title, item.status])).toEqual([
            ['Queued 1', 'created'],
            ['Queued 2', 'created'],
            ['Queued 3', 'not-attempted'],
        ]);
        expect(publish.output.items[2]!.reason).toMatch(/cancelled while this run was publishing/);
        expect((await world.queue.get(pins[2]!.scheduleId))?.status).toBe('cancelled');
    });
});

describe('a damaged queue record', () => {
    it('is named in a warning and skipped; the account’s other pins go out and list-scheduled still lists', async () => {
        const world = account();
        const pins = await queuePins(world, 3);
        const records = world.named.get('pinterest-pin-queue')!;
        const entryKey = (pin: QueueEntry) => [...records.keys()].find((key) => key.endsWith(`-e-${pin.scheduleId}`))!;
        records.set(entryKey(pins[0]!), JSON.stringify({ ...pins[0], publishAt: 1e300 }));
        records.set(entryKey(pins[1]!), '{"version":1,"scheduleId":"cut sh');

        const publish = contextFor(world, publishInput(), 'run-1');
        const result = await publishDuePins(publish.context);
        expect(postedTitles(world)).toEqual(['Queued 3']);
        expect(result.summary).toMatch(/^Created 1 pin\./);
        const warnings = publish.log.lines.filter((line) => line.startsWith('WARN'));
        expect(warnings).toEqual([
            expect.stringContaining(`queue entry ${pins[0]!.scheduleId}`),
            expect.stringContaining(`queue entry ${pins[1]!.scheduleId}`),
        ]);
        expect(warnings[1]).toMatch(/not valid JSON/);

        const list = contextFor(world, listInput(), 'list-run');
        await listScheduled.run(list.context as never);
        expect(list.output.items.map((item) => item.title)).toEqual(['Queued 3']);
    });
});

function cancelInput() {
    return cancelScheduled.input.parse({ mode: 'cancel-scheduled', accessToken: 'pina_x', cancelAll: true });
}

function listInput() {
    return listScheduled.input.parse({ mode: 'list-scheduled', accessToken: 'pina_x' });
}
