/**
 * The exactly-once core at its seams, without a process: the publisher against an in-memory ledger, a fake
 * Pinterest that loses answers on cue, a run output with a budget, and a clock that moves only when told. Each
 * test states the promise it keeps: one pin on Pinterest, one row and one charge per pin asked for.
 */
import { describe, expect, it } from 'vitest';

import { EVENTS } from '../../src/output/events.js';
import { BoardDirectory } from '../../src/publish/boards.js';
import { CLAIM_TTL_MS, claimPin } from '../../src/publish/claims.js';
import { OrderedDelivery } from '../../src/publish/delivery.js';
import { contentOfDraft, ledgerKey, PinLedger } from '../../src/publish/ledger.js';
import { PinPublisher, type PinJob, type PinOutcome } from '../../src/publish/publisher.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import { memoryNamedStore } from '../../src/storage/memory-store.js';
import { FakePinterest, hookedStore, memoryOutput, silentLog, testClock } from './support/fakes.js';

const BOARD = '700000000000000001';

function setUp(options: { budget?: number; store?: ReturnType<typeof memoryNamedStore>; runId?: string } = {}) {
    const clock = testClock();
    const pinterest = new FakePinterest(clock).board(BOARD, 'Recipes');
    const output = memoryOutput({ budget: options.budget === undefined ? {} : { [EVENTS.pinCreated]: options.budget } });
    const ledger = new PinLedger(options.store ?? memoryNamedStore('ledger'));
    return { clock, pinterest, output, ledger, runId: options.runId ?? 'run-1' };
}

function publisherFor(parts: ReturnType<typeof setUp>, overrides: Partial<ConstructorParameters<typeof PinPublisher>[0]> = {}) {
    const { clock, pinterest, output, ledger, runId } = parts;
    return new PinPublisher({
        client: pinterest,
        ledger,
        boards: new BoardDirectory(pinterest, { createMissing: false, dryRun: false }),
        output,
        log: silentLog(),
        environment: 'production',
        runId,
        dryRun: false,
        reconcileWaitMs: 30_000,
        uploadVideo: async () => 'media-1',
        now: clock.now,
        sleep: clock.sleep,
        ...overrides,
    });
}

const job = (position: number, fields: Partial<PinJob['draft']> = {}): PinJob => ({
    position,
    source: `pins[${position - 1}]`,
    draft: { boardId: BOARD, pinTitle: `Pin ${position}`, imageUrl: `https://example.com/${position}.jpg`, ...fields },
});

/** Publishes the jobs and stores their rows as a run does; returns the rows in position order. */
async function publishAndDeliver(publisher: PinPublisher, output: ReturnType<typeof memoryOutput>, jobs: PinJob[]) {
    const delivery = await OrderedDelivery.open(output, { getValue: async () => undefined, setValue: async () => undefined });
    await publisher.publishAll(jobs, (item, outcome) => delivery.add(item.position, outcome));
    await delivery.finish();
    return output.items.filter((item) => item.type === 'pinResult');
}

/**
 * A POST that hangs until any listing lag is over (11 minutes of the clock), while the run's renewals keep its
 * claims alive, as their timer does in a real run.
 */
const hangsPastListingLag = (parts: ReturnType<typeof setUp>, publisher: PinPublisher) => async () => {
    for (let minute = 0; minute < 11; minute += 1) {
        await parts.clock.sleep(60_000);
        await publisher.renewals.renewAll();
    }
};

const titles = (pinterest: FakePinterest) => pinterest.posts.map((post) => post.title);
const ledgerKeyOf = (item: PinJob) => ledgerKey(contentOfDraft(item.draft, BOARD, 'production'));

describe('PinPublisher: an unanswered POST', () => {
    it('is found on the board when Pinterest created it: created, charged once, not posted again', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-after-create');
        const rows = await publishAndDeliver(publisherFor(parts), parts.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created', id: parts.pinterest.pinsOn(BOARD)[0]!.id }]);
        expect(parts.pinterest.posts).toHaveLength(1);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBe(1);
        expect(await parts.ledger.attributedTo(parts.pinterest.pinsOn(BOARD)[0]!.id)).toMatch(/^pin-/);
    });

    it('is posted again once the board provably lacks it, and never more than three times', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-before-create', 'lost-before-create', 'lost-before-create');
        const publisher = publisherFor(parts);
        parts.pinterest.onPost = hangsPastListingLag(parts, publisher);
        const rows = await publishAndDeliver(publisher, parts.output, [job(1)]);
        expect(parts.pinterest.posts).toHaveLength(3);
        expect(parts.pinterest.pinsOn(BOARD)).toHaveLength(0);
        expect(rows).toMatchObject([{ status: 'failed' }]);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBeUndefined();
    });

    it('is unconfirmed (not charged) while the listing may still lag, and the next run checks the board before posting', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-before-create');
        const first = await publishAndDeliver(publisherFor(parts), parts.output, [job(1)]);
        expect(first).toMatchObject([{ status: 'unconfirmed', reason: expect.stringMatching(/not on board \d+ yet/) }]);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBeUndefined();
        expect((await parts.ledger.entry(ledgerKeyOf(job(1))).read())?.status).toBe('unconfirmed');

        // A later run, after the lag is long over: the board still lacks it, so it is posted, once.
        parts.clock.advance(20 * 60_000);
        const later = { ...parts, output: memoryOutput(), runId: 'run-2' };
        const rows = await publishAndDeliver(publisherFor(later), later.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created' }]);
        expect(parts.pinterest.posts).toHaveLength(2);
        expect(parts.pinterest.pinsOn(BOARD)).toHaveLength(1);
    });

    it('ends in an unconfirmed row when even the board cannot be read: never a run that stops', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-before-create');
        parts.pinterest.listBoardPins = async function* () {
            yield* [];
            throw new PinterestError({ kind: 'server-error', operation: OPERATIONS.listBoardPins, status: 503 });
        };
        const rows = await publishAndDeliver(publisherFor(parts), parts.output, [job(1), job(2)]);
        expect(rows.map((row) => row.status)).toEqual(['unconfirmed', 'created']);
        expect(rows[0]!.reason).toMatch(/could not be read/);
    });

    it('finds its pin behind 300 newer ones: the listing is read back past the attempt', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-after-create');
        parts.pinterest.onPost = () => {
            // The rest of a batch (or another tool) posts 300 pins right after ours.
            queueMicrotask(() => {
                for (let n = 0; n < 300; n += 1) parts.pinterest.addPin(BOARD, { title: `Other ${n}` });
            });
        };
        const rows = await publishAndDeliver(publisherFor(parts), parts.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created', title: 'Pin 1' }]);
        expect(parts.pinterest.posts).toHaveLength(1);
    });
});

describe('PinPublisher: look-alike pins', () => {
    it('never takes a pin another ledger entry owns: two colour variants of one product, the second answer lost', async () => {
        const parts = setUp();
        const variant = (position: number, colour: string) =>
            job(position, { pinTitle: 'Linen dress', pinDescription: 'Summer linen dress', imageUrl: `https://example.com/dress-${colour}.jpg` });
        parts.pinterest.answers.push('ok', 'lost-before-create');
        const publisher = publisherFor(parts);
        parts.pinterest.onPost = hangsPastListingLag(parts, publisher);
        const rows = await publishAndDeliver(publisher, parts.output, [variant(1, 'blue'), variant(2, 'red')]);
        expect(rows.map((row) => row.status)).toEqual(['created', 'created']);
        expect(new Set(rows.map((row) => row.id)).size).toBe(2);
        // The lost second POST was made again, because the only look-alike on the board belonged to the first.
        expect(parts.pinterest.posts).toHaveLength(3);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBe(2);
    });

    it('is unsure, not charged, when another tool posted the same text meanwhile: two candidates cannot be told apart', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-after-create');
        parts.pinterest.onPost = (body) => void parts.pinterest.addPin(BOARD, { title: body.title ?? null, description: null, link: null });
        const rows = await publishAndDeliver(publisherFor(parts), parts.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'unconfirmed', reason: expect.stringMatching(/2 pins on board \d+ match it/) }]);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBeUndefined();
    });

    it('tells pins apart by what the listing shows besides the text: alt text, section, kind of media, carousel size', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('lost-after-create');
        parts.pinterest.onPost = (body) => {
            parts.pinterest.addPin(BOARD, { title: body.title ?? null, alt_text: 'Something else entirely' });
            parts.pinterest.addPin(BOARD, { title: body.title ?? null, media: { media_type: 'video' } });
        };
        const rows = await publishAndDeliver(publisherFor(parts), parts.output, [job(1, { altText: 'A stack of pancakes' })]);
        expect(rows).toMatchObject([{ status: 'created', altText: 'A stack of pancakes' }]);
        expect(parts.pinterest.posts).toHaveLength(1);
    });
});

describe('PinPublisher: the budget', () => {
    it('never lets charged rows outrun the maximum charge, however the pins finish', async () => {
        const parts = setUp({ budget: 3 });
        // The first pins take longest, so later ones finish first.
        parts.pinterest.onPost = async (body) => {
            const n = Number(body.title?.split(' ')[1]);
            for (let turn = 0; turn < (6 - n) * 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        };
        const rows = await publishAndDeliver(
            publisherFor(parts),
            parts.output,
            [1, 2, 3, 4, 5].map((n) => job(n)),
        );
        expect(rows.map((row) => row.status)).toEqual(['created', 'created', 'created', 'not-attempted', 'not-attempted']);
        expect(rows[3]!.reason).toMatch(/maximum charge/);
        expect(parts.pinterest.pinsOn(BOARD)).toHaveLength(3);
        expect(parts.output.chargedHere[EVENTS.pinCreated]).toBe(3);
    });
});

describe('PinPublisher: order and stops', () => {
    it('sends pins in input order, and a video still uploading lets the pins after it go', async () => {
        const parts = setUp();
        let release = () => {};
        const uploaded = new Promise<void>((resolve) => (release = resolve));
        const publisher = publisherFor(parts, {
            uploadVideo: async () => {
                await uploaded;
                return 'media-1';
            },
        });
        const video = job(2, { imageUrl: undefined, videoUrl: 'https://example.com/v.mp4', coverImageUrl: 'https://example.com/c.jpg' });
        const done = publishAndDeliver(publisher, parts.output, [job(1), video, job(3), job(4)]);
        while (parts.pinterest.posts.length < 3) await new Promise((resolve) => setImmediate(resolve));
        expect(titles(parts.pinterest)).toEqual(['Pin 1', 'Pin 3', 'Pin 4']);
        release();
        const rows = await done;
        expect(titles(parts.pinterest)).toEqual(['Pin 1', 'Pin 3', 'Pin 4', 'Pin 2']);
        expect(rows.map((row) => row.position)).toEqual([1, 2, 3, 4]);
    });

    it('stops the batch at a spam block: what follows is not attempted, with the reason', async () => {
        const parts = setUp();
        parts.pinterest.answers.push('ok', 'spam');
        const rows = await publishAndDeliver(
            publisherFor(parts, { concurrency: 1 }),
            parts.output,
            [1, 2, 3, 4].map((n) => job(n)),
        );
        expect(rows.map((row) => row.status)).toEqual(['created', 'failed', 'not-attempted', 'not-attempted']);
        expect(rows[2]!.reason).toMatch(/stopped the batch/);
    });
});

describe('PinPublisher: two runs, one ledger', () => {
    it('posts each pin once when two runs with the same input start together', async () => {
        const records = new Map<string, string>();
        const first = setUp({ store: memoryNamedStore('ledger', records), runId: 'run-a' });
        const second = { ...setUp({ store: memoryNamedStore('ledger', records), runId: 'run-b' }), pinterest: first.pinterest, clock: first.clock };
        const jobs = Array.from({ length: 20 }, (_, index) => job(index + 1));
        const [a, b] = await Promise.all([
            publishAndDeliver(publisherFor(first), first.output, jobs),
            publishAndDeliver(publisherFor(second), second.output, jobs),
        ]);
        expect([...titles(first.pinterest)].sort()).toEqual(jobs.map((item) => item.draft.pinTitle).sort());
        const created = [...a, ...b].filter((row) => row.status === 'created');
        expect(created).toHaveLength(20);
        expect((first.output.chargedHere[EVENTS.pinCreated] ?? 0) + (second.output.chargedHere[EVENTS.pinCreated] ?? 0)).toBe(20);
        for (const row of [...a, ...b].filter((item) => item.status !== 'created')) expect(row.status).toMatch(/not-attempted|skipped-duplicate/);
    });

    it('does not send a pin whose claim another run took over while it waited: checked right before the POST', async () => {
        const records = new Map<string, string>();
        const parts = setUp({ runId: 'run-a' });
        let takeOver = true;
        let reads = 0;
        const store = hookedStore(memoryNamedStore('ledger', records), async (call) => {
            // The pre-POST check is the third read of the entry (claim, read-back, check): another run writes first.
            if (takeOver && call.kind === 'get' && call.key.startsWith('pin-') && reads++ === 2) {
                takeOver = false;
                const entry = JSON.parse(records.get(call.key)!) as Record<string, unknown>;
                records.set(
                    call.key,
                    JSON.stringify({ ...entry, claim: { runId: 'run-b', nonce: 'theirs', until: parts.clock.now() + CLAIM_TTL_MS } }),
                );
            }
        });
        const rows = await publishAndDeliver(publisherFor({ ...parts, ledger: new PinLedger(store) }), parts.output, [job(1)]);
        expect(parts.pinterest.posts).toHaveLength(0);
        expect(rows).toMatchObject([{ status: 'not-attempted', reason: expect.stringMatching(/taken over by another run/) }]);
    });

    it('does not send a pin whose own claim lapsed while the process stalled, and goes on when the store refuses the release', async () => {
        const records = new Map<string, string>();
        const parts = setUp();
        const log = silentLog();
        let reads = 0;
        let stalled = false;
        const store = hookedStore(memoryNamedStore('ledger', records), async (call) => {
            if (!call.key.startsWith('pin-')) return;
            // After the claim is read back the process stalls past the claim's life (a frozen machine, say), and the
            // store then refuses every write: no other run is involved, the claim simply ran out.
            if (call.kind === 'get' && reads++ === 1) {
                parts.clock.advance(CLAIM_TTL_MS + 1);
                stalled = true;
            } else if (call.kind === 'set' && stalled) throw new Error('the store is unavailable');
        });
        const ledger = new PinLedger(store, { attempts: 2, baseDelayMs: 1_000, sleep: parts.clock.sleep });
        const rows = await publishAndDeliver(publisherFor({ ...parts, ledger }, { log }), parts.output, [job(1)]);
        expect(parts.pinterest.posts).toHaveLength(0);
        expect(rows).toMatchObject([{ status: 'not-attempted', reason: expect.stringMatching(/claim on the pin lapsed/) }]);
        // Giving the claim back failed too: said, and the run went on (the claim has lapsed already).
        expect(log.lines.some((line) => /could not release this run’s claim/.test(line))).toBe(true);
        expect(parts.output.chargedHere[EVENTS.pinCreated] ?? 0).toBe(0);
    });

    it('after a restart takes back its own pins: a pin it created is its row and charge, not posted again', async () => {
        const parts = setUp();
        const created: PinOutcome[] = [];
        await publisherFor(parts).publishAll([job(1)], async (_, outcome) => void created.push(outcome));
        // The run died before storing the row: the restarted process (same run id, new nonce) delivers it.
        const restarted = { ...parts, output: memoryOutput() };
        const rows = await publishAndDeliver(publisherFor(restarted), restarted.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created', id: created[0]!.row.id }]);
        expect(parts.pinterest.posts).toHaveLength(1);
        expect(restarted.output.chargedHere[EVENTS.pinCreated]).toBe(1);
    });
});

describe('PinPublisher: a claimer that dies before reconciling', () => {
    /**
     * Process 1 sends the pin and dies before the answer (Pinterest created it); the next holder of the pin
     * claims it and dies too, before it reconciled; the one after must still reconcile, not post it again.
     * Found by the kill soak (test/bench/kill-soak.ts): a run killed twice posted a pin a second time.
     */
    async function sentThenClaimedByTheDead(parts: ReturnType<typeof setUp>, nextClaimant: { runId: string; nonce: string }, afterMs = 0) {
        const first = publisherFor(parts);
        parts.pinterest.onPost = (body) => {
            parts.pinterest.addPin(BOARD, { title: body.title ?? null, description: null, link: null });
            return new Promise<void>(() => {}); // killed: the answer never comes
        };
        void first.publishAll([job(1)], async () => undefined);
        const record = parts.ledger.entry(ledgerKeyOf(job(1)));
        while ((await record.read())?.status !== 'sending' || parts.pinterest.pinsOn(BOARD).length === 0) await parts.clock.sleep(10);
        parts.pinterest.onPost = undefined;
        parts.clock.advance(afterMs);
        const claim = await claimPin(record, () => expect.unreachable('the entry exists'), {
            ...nextClaimant,
            now: parts.clock.now,
            sleep: parts.clock.sleep,
        });
        expect(claim.kind).toBe('claimed');
        return parts.pinterest.pinsOn(BOARD)[0]!;
    }

    it('a restarted run whose earlier process claimed the pin and died still finds the pin on the board', async () => {
        const parts = setUp();
        const sent = await sentThenClaimedByTheDead(parts, { runId: 'run-1', nonce: 'process-2' });
        const third = { ...parts, output: memoryOutput() };
        const rows = await publishAndDeliver(publisherFor(third), third.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created', id: sent.id }]);
        expect(parts.pinterest.posts).toHaveLength(0);
        expect(parts.pinterest.pinsOn(BOARD)).toHaveLength(1);
        expect(third.output.chargedHere[EVENTS.pinCreated]).toBe(1);
    });

    it('another run, after the dead claims lapsed, finds the pin on the board', async () => {
        const parts = setUp();
        const sent = await sentThenClaimedByTheDead(parts, { runId: 'run-2', nonce: 'run-2-process' }, CLAIM_TTL_MS + 60_000);
        parts.clock.advance(CLAIM_TTL_MS + 60_000);
        const later = { ...parts, output: memoryOutput(), runId: 'run-3' };
        const rows = await publishAndDeliver(publisherFor(later), later.output, [job(1)]);
        expect(rows).toMatchObject([{ status: 'created', id: sent.id }]);
        expect(parts.pinterest.posts).toHaveLength(0);
        expect(parts.pinterest.pinsOn(BOARD)).toHaveLength(1);
    });
});

describe('PinPublisher: the same pin twice in one input', () => {
    const twice = () => [job(1), job(2), { ...job(1), position: 3, source: 'pins[2]' }];

    it.each([1, 8])('is published once, the later row naming the first (%i at a time)', async (concurrency) => {
        const parts = setUp();
        const rows = await publishAndDeliver(publisherFor(parts, { concurrency }), parts.output, twice());
        expect(rows.map((row) => row.status)).toEqual(['created', 'created', 'skipped-duplicate']);
        expect(rows[2]).toMatchObject({ id: rows[0]!.id, reason: expect.stringMatching(/at position 1 of this batch/) });
        expect(titles(parts.pinterest)).toEqual(['Pin 1', 'Pin 2']);
    });

    it('in a dry run, too', async () => {
        const parts = setUp();
        const rows = await publishAndDeliver(publisherFor(parts, { dryRun: true, concurrency: 1 }), parts.output, twice());
        expect(rows.map((row) => row.status)).toEqual(['would-create', 'would-create', 'skipped-duplicate']);
        expect(rows[2]).toMatchObject({ id: null, reason: expect.stringMatching(/at position 1 of this batch/) });
    });
});

describe('PinPublisher: a large dry run', () => {
    it('lists the ledger’s keys once instead of reading an entry per pin, and still finds the duplicates', async () => {
        const records = new Map<string, string>();
        const parts = setUp({ store: memoryNamedStore('ledger', records) });
        const jobs = Array.from({ length: 300 }, (_, index) => job(index + 1));
        // Two pins of the batch were published before: one early, one late in the batch.
        await publisherFor(parts).publishAll([jobs[9]!, jobs[249]!], async () => undefined);
        const published = parts.pinterest.posts.map((post) => post.title);
        expect(published).toEqual(['Pin 10', 'Pin 250']);
        const idOf = (title: string) => parts.pinterest.pinsOn(BOARD).find((pin) => pin.title === title)!.id;
        const calls = { get: 0, list: 0 };
        const store = hookedStore(memoryNamedStore('ledger', records), (call) => {
            if (call.kind === 'get' || call.kind === 'list') calls[call.kind] += 1;
        });
        const publisher = publisherFor({ ...parts, ledger: new PinLedger(store) }, { dryRun: true });
        const rows = await publishAndDeliver(publisher, parts.output, jobs);
        expect(rows.filter((row) => row.status === 'skipped-duplicate').map((row) => [row.position, row.id])).toEqual([
            [10, idOf('Pin 10')],
            [250, idOf('Pin 250')],
        ]);
        expect(rows.filter((row) => row.status === 'would-create')).toHaveLength(298);
        // The first pins are read one by one; after that one listing answers for all, plus a read for the one it holds.
        expect(calls.list).toBe(1);
        expect(calls.get).toBeLessThanOrEqual(60);
        expect(parts.pinterest.posts).toHaveLength(2);
    });
});
