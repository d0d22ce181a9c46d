/**
 * publish-scheduled and cancel-scheduled in-process, at the seams: their real code over named stores in memory, a
 * fake Pinterest and a clock that moves only when someone waits. Overlapping runs, a batch longer than a lease,
 * a cancel racing a publish and damaged records are driven by the clock and by hooks, never by sleeping.
 */
import { describe, expect, it } from 'vitest';

import { cancelScheduled } from '../../src/modes/cancel-scheduled.js';
import { pinCandidates } from '../../src/modes/create-pin/candidates.js';
import { createPinInput } from '../../src/modes/create-pin/input.js';
import { updateScheduledInput } from '../../src/modes/update-scheduled/input.js';
import { runUpdateScheduled } from '../../src/modes/update-scheduled/run.js';
import { contentOfDraft, ledgerKey } from '../../src/publish/ledger.js';
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

describe('publish-scheduled, a pin whose image Pinterest could not fetch', () => {
    it('gets one more try an hour later, then fails for good; a refused pin fails at once', async () => {
        const world = account();
        const [unfetchable, refused] = await queuePins(world, 2);
        world.pinterest.answers.push('image-unfetchable', 'refused');
        const first = contextFor(world, publishInput(), 'run-1');
        // Every pin this run tried failed: the run fails (the platform's failure notifications fire), saying why.
        await expect(publishDuePins(first.context)).rejects.toThrow(/could not fetch the image/);
        expect(first.output.items.map((item) => [item.title, item.status])).toEqual([
            ['Queued 1', 'will-retry'],
            ['Queued 2', 'failed'],
        ]);
        const retried = await world.queue.get(unfetchable!.scheduleId);
        expect(retried).toMatchObject({ status: 'scheduled', attempts: 1, nextAttemptAt: world.clock.now() + 60 * 60_000 });
        expect(retried?.lastError).toMatch(/could not fetch the image/);
        expect(await world.queue.get(refused!.scheduleId)).toMatchObject({ status: 'failed', attempts: 1 });

        // Half an hour on, nothing is due; an hour on, the one more try, which fails again: for good this time.
        world.clock.advance(30 * 60_000);
        const early = await publishDuePins(contextFor(world, publishInput(), 'run-2').context);
        expect(early.summary).toMatch(/^No pins of @autumnshop were due\./);
        world.clock.advance(30 * 60_000);
        world.pinterest.answers.push('image-unfetchable');
        await expect(publishDuePins(contextFor(world, publishInput(), 'run-3').context)).rejects.toThrow(/could not fetch/);
        expect(await world.queue.get(unfetchable!.scheduleId)).toMatchObject({ status: 'failed', attempts: 2 });
        expect(world.pinterest.posts).toHaveLength(3);
    });
});

describe('publish-scheduled while another run is publishing', () => {
    it('says the due pins are being published by another run, and counts only what still waits', async () => {
        const world = account();
        const [due] = await queuePins(world, 3);
        const later: QueueEntry = { ...due!, scheduleId: 'b'.repeat(20), draft: { ...due!.draft, pinTitle: 'Tomorrow' }, publishAt: T0 + 86_400_000 };
        await world.queue.put(later);
        let secondSummary: string | undefined;
        world.pinterest.onPost = async (body) => {
            if (body.title !== 'Queued 1' || secondSummary) return;
            secondSummary = (await publishDuePins(contextFor(world, publishInput(), 'run-2').context)).summary;
        };
        await publishDuePins(contextFor(world, publishInput(), 'run-1').context);
        expect(secondSummary).toBe(
            `No pins of @autumnshop were due. 3 due pins are being published by another run. Next pin of @autumnshop due 2026-10-06T09:00:00Z (1 waiting).`,
        );
        expect(postedTitles(world).sort()).toEqual(['Queued 1', 'Queued 2', 'Queued 3']);
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

describe('pausing the queue at the seams', () => {
    it('keeps the pause in the listing an idle run makes: no extra call, and the layout marker still comes first', async () => {
        const world = account();
        await world.queue.glance();
        const since = await world.queue.pause();
        expect(since).toEqual({ since: T0, already: false });
        world.clock.advance(60_000);
        expect(await world.queue.pause()).toEqual({ since: T0, already: true });
        const keys = [...world.named.get('pinterest-pin-queue')!.keys()].sort();
        expect(keys[0]).toMatch(/-a-migrated$/);
        expect(keys[1]).toMatch(/-a-paused-\d{15}$/);
        // A fresh queue object (a new run) learns of the pause from its one listing.
        const fresh = new PinQueue(world.store('pinterest-pin-queue'), USER, 'production', { now: world.clock.now });
        expect((await fresh.glance()).pausedSince).toBe(T0);
        expect(await fresh.resume()).toBe(T0);
        expect((await fresh.glance()).pausedSince).toBeUndefined();
    });

    it('a pause that comes while publish-scheduled works holds the pins it had not taken yet', async () => {
        const world = account();
        await queuePins(world, 30);
        world.pinterest.onPost = async () => {
            if (world.pinterest.posts.length === 0) await world.queue.pause();
        };
        const run = contextFor(world, publishInput(), 'run-1');
        const result = await publishDuePins(run.context);
        expect(result.counts?.created).toBe(25);
        expect(run.log.lines.join(' ')).toContain('was paused at 2026-10-05T09:00:00Z while this run was publishing: it left the rest waiting');
        const held = await publishDuePins(contextFor(world, publishInput(), 'run-2').context);
        expect(held.summary).toBe(
            'Publishing for @autumnshop is paused since 2026-10-05T09:00:00Z: nothing was published (5 due pins held, 5 waiting). Run resume-queue to go on.',
        );
        await world.queue.resume();
        const rest = await publishDuePins(contextFor(world, publishInput(), 'run-3').context);
        expect(rest.counts?.created).toBe(5);
        expect(new Set(postedTitles(world)).size).toBe(30);
    });
});

describe('update-scheduled at the seams', () => {
    const updateInput = (fields: Record<string, unknown>) =>
        updateScheduledInput.parse({ mode: 'update-scheduled', accessToken: 'pina_x', ...fields });

    it('refuses a pin a live publish-scheduled run holds, and changes one whose run died (its lease lapsed)', async () => {
        const world = account();
        const [held, lapsed] = await queuePins(world, 2);
        const lease = (expiresAt: number) => ({ runId: 'other-run', expiresAt, position: 1 });
        await world.queue.put({ ...held!, status: 'publishing', lease: lease(T0 + LEASE_MS) }, held);
        await world.queue.put({ ...lapsed!, status: 'publishing', lease: lease(T0 - 1) }, lapsed);
        const { context, output } = contextFor(
            world,
            updateInput({ scheduleIds: [held!.scheduleId, lapsed!.scheduleId], changes: { altText: 'Leaves' } }),
            'edit-run',
        );
        await runUpdateScheduled(context);
        expect(output.items.map((item) => [item.status, item.reason])).toEqual([
            ['refused', 'A publish-scheduled run is publishing it right now: it was left as it is.'],
            ['updated', null],
        ]);
        expect((await world.queue.get(lapsed!.scheduleId))?.draft.altText).toBe('Leaves');
        expect((await world.queue.get(held!.scheduleId))?.draft.altText).toBeUndefined();
    });

    it('a new time moves the waiting index key, so the pin is due then and not before', async () => {
        const world = account();
        const [pin] = await queuePins(world, 1);
        const later = T0 + 3 * 86_400_000;
        const { context } = contextFor(
            world,
            updateInput({ scheduleIds: [pin!.scheduleId], newPublishAt: new Date(later).toISOString() }),
            'edit-run',
        );
        await runUpdateScheduled(context);
        const glance = await world.queue.glance();
        expect(glance.waiting.map((pointer) => [pointer.scheduleId, pointer.dueAt])).toEqual([[pin!.scheduleId, later]]);
        const idle = await publishDuePins(contextFor(world, publishInput(), 'run-1').context);
        expect(idle.summary).toContain('No pins of @autumnshop were due.');
    });
});

describe('a save to a further board (boards) at the seams', () => {
    it('two runs at the same moment save the first pin to the board once, and charge it once', async () => {
        const world = account();
        world.pinterest.board('700000000000000010', 'Winter');
        const [first] = await queuePins(world, 1);
        await publishDuePins(contextFor(world, publishInput(), 'run-0').context);
        const pinId = (await world.queue.get(first!.scheduleId))?.pinId;
        expect(pinId).toBeDefined();
        const ofLedgerKey = ledgerKey(contentOfDraft(first!.draft, BOARD, 'production'));
        const saveDraft = { ...first!.draft, boardId: '700000000000000010' };
        const save: QueueEntry = {
            ...first!,
            scheduleId: PinQueue.scheduleIdFor(ledgerKey(contentOfDraft(saveDraft, '700000000000000010', 'production'))),
            draft: saveDraft,
            publishAt: T0 + 7 * 86_400_000,
            status: 'scheduled',
            pinId: undefined,
            publishedAt: undefined,
            finishedAt: undefined,
            save: { ofLedgerKey, ofBoardId: BOARD },
            revision: 0,
        };
        await world.queue.put(save);
        world.clock.advance(7 * 86_400_000 + 60_000);
        const runs = ['run-a', 'run-b'].map((runId) => contextFor(world, publishInput(), runId));
        await Promise.all(runs.map(({ context }) => publishDuePins(context)));
        expect(world.pinterest.saves).toEqual([{ pinId, boardId: '700000000000000010' }]);
        expect(runs.reduce((sum, run) => sum + (run.output.chargedHere[EVENTS.pinCreated] ?? 0), 0)).toBe(1);
        expect((await world.queue.get(save.scheduleId))?.status).toBe('published');
    });

    it('gives the further boards the rows right after the pin, so positions stay put across restarts', async () => {
        const input = createPinInput.parse({
            mode: 'create-pin',
            accessToken: 'pina_x',
            pins: [
                {
                    pinTitle: 'Spread',
                    imageUrl: 'https://example.com/s.jpg',
                    boards: ['Autumn', '700000000000000010', 'Winter'],
                    boardIntervalDays: 3,
                },
                { boardId: BOARD, pinTitle: 'Single', imageUrl: 'https://example.com/one.jpg' },
            ],
        });
        const candidates = [];
        for await (const candidate of pinCandidates(input, silentLog(), () => T0)) candidates.push(candidate);
        expect(
            candidates.map((candidate) => [candidate.position, 'draft' in candidate ? (candidate.draft.boardName ?? candidate.draft.boardId) : null]),
        ).toEqual([
            [1, 'Autumn'],
            [4, BOARD],
        ]);
        const spread = candidates[0] as { saves: unknown[]; draft: Record<string, unknown> };
        expect(spread.saves).toEqual([
            { position: 2, board: '700000000000000010', index: 1, intervalDays: 3 },
            { position: 3, board: 'Winter', index: 2, intervalDays: 3 },
        ]);
        expect(spread.draft.boards).toBeUndefined();
    });
});
