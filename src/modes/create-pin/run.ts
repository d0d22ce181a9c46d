import { ActorError } from '../../common/errors.js';
import { UserInputError } from '../../input/parse.js';
import type { PinResultItem } from '../../output/items.js';
import type { RunOutput } from '../../output/run-output.js';
import { describeCounts, openPublishing, type PublishingKit } from '../../publish/batch.js';
import type { PinDraft } from '../../publish/draft.js';
import { contentOfDraft, ledgerKey } from '../../publish/ledger.js';
import { freeOutcome, invalidPinOutcome, jobRow, type PinJob, type PinOutcome, withJobNote } from '../../publish/rows.js';
import { openAccountQueue, PinQueue, type QueueEntry } from '../../schedule/queue.js';
import type { ExistingSchedule, SpacingOptions } from '../../schedule/spacing.js';
import { DEFAULT_TIME_ZONE, formatLocalTime, formatUtc, plusCalendarDays } from '../../schedule/time.js';
import { plural } from '../../common/text.js';
import type { ModeContext, ModeResult } from '../types.js';
import { type BoardSave, boardRef, pinCandidates } from './candidates.js';
import type { CreatePinInput } from './input.js';

/**
 * Pins read, checked and handed on at once. A CSV of any length is read in chunks of this many, so memory holds
 * one chunk and the counts, never the whole batch.
 */
const CHUNK_SIZE = 500;

/** Statuses of a run of one pin that did not go out: the run fails, in the pin's own words. */
const NOT_OUT = new Set(['failed', 'not-attempted', 'unconfirmed']);

/**
 * create-pin's run: every pin of the input (the single-pin fields, `pins`, the CSV) in order, chunk by chunk, each
 * checked, then queued when it has a future time, or published now through the ledger, one result row per pin.
 */
export async function runCreatePin(context: ModeContext<CreatePinInput>): Promise<ModeResult> {
    const { input, log } = context;
    const spacing = await loadSpacing(input);
    const kit = await openPublishing(context, input);
    const { delivery } = kit;
    const batch = new CreateBatch(context, kit, spacing);

    let total = 0;
    let chunk: ChunkItem[] = [];
    for await (const candidate of pinCandidates(input, log, context.now, context.account)) {
        total = 'saves' in candidate ? (candidate.saves?.at(-1)?.position ?? candidate.position) : candidate.position;
        // Rows stored before a restart of this run are done: their pins are in the ledger or the queue already.
        if (total <= delivery.storedThrough) continue;
        if ('problems' in candidate) {
            if (candidate.source === 'input') throw new UserInputError(candidate.problems);
            await batch.deliver(candidate.position, invalidPinOutcome(candidate.position, candidate.source, candidate.problems, candidate.raw));
            continue;
        }
        const { draft, explicitAt, note, saves } = candidate;
        const ledgerSuffix = input.allowDuplicates ? `${context.runId}#${candidate.position}` : undefined;
        const job: PinJob = { position: candidate.position, source: candidate.source, draft, ledgerSuffix, note };
        chunk.push({ job, explicitAt, saves });
        if (chunk.length >= CHUNK_SIZE) {
            await batch.process(chunk);
            chunk = [];
        }
    }
    if (total === 0) throw new UserInputError(['the pins list and the CSV hold no pins: add at least one']);
    await batch.process(chunk);
    await delivery.finish();
    return batch.result(total, context.output);
}

async function loadSpacing(input: CreatePinInput) {
    if (!input.spacing) return undefined;
    const { parseSpacing } = await import('../../schedule/spacing.js');
    const parsed = parseSpacing(input.spacing, input.timeZone);
    if (!parsed.ok) throw new UserInputError(parsed.problems);
    return parsed.options;
}

/** A pin of a chunk: its job, its own time, and the further boards it is saved to later (`boards`). */
interface ChunkItem {
    job: PinJob;
    explicitAt?: number;
    saves?: BoardSave[];
}

/**
 * The state of one create-pin run across its chunks: the queue (opened when a pin first needs it), what spacing
 * has handed out so far, the single pin's row (its run fails in its words) and the next time a pin is due.
 */
class CreateBatch {
    private queue?: Promise<PinQueue>;
    /** Times already taken: the queue's waiting pins, the ledger's recent links, and this run's earlier chunks. */
    private taken?: ExistingSchedule[];
    private readonly linksLoaded = new Set<string>();
    private lastRow?: PinResultItem;
    private nextDue?: number;
    private pausedSince?: number;
    private pauseWarned = false;

    constructor(
        private readonly context: ModeContext<CreatePinInput>,
        private readonly kit: PublishingKit,
        private readonly spacing: SpacingOptions | undefined,
    ) {}

    async deliver(position: number, outcome: PinOutcome): Promise<void> {
        // A pin with boards whose first rows were stored before a restart: only the rest are delivered again.
        if (position <= this.kit.delivery.storedThrough) return;
        this.lastRow = outcome.row;
        await this.kit.delivery.add(position, outcome);
    }

    /** One chunk: pins for later go to the queue (free), the rest are published now. */
    async process(chunk: ChunkItem[]): Promise<void> {
        if (chunk.length === 0) return;
        const now = this.context.now();
        const queued = this.spacing || chunk.some((item) => (item.explicitAt ?? 0) > now || item.saves) ? await this.openQueue() : undefined;
        const publishNow: PinJob[] = [];
        const later: Array<ChunkItem & { scheduleId: string; draft: PinDraft }> = [];
        /** Pins with further boards, and when their first pin goes out: the saves count their days from then. */
        const withSaves: Array<{ item: ChunkItem; firstAt: number }> = [];
        for (const item of chunk) {
            if (!this.spacing && (item.explicitAt ?? 0) <= now) {
                publishNow.push(item.job);
                if (item.saves) withSaves.push({ item, firstAt: now });
                continue;
            }
            // Pins already queued or published are reported before spacing runs, so they take no time slot.
            const prepared = await this.prepareForQueue(item.job, queued!);
            if ('outcome' in prepared) {
                await this.deliver(item.job.position, prepared.outcome);
                if (item.saves) await this.afterFirst(item, prepared.outcome, now);
            } else later.push({ ...item, ...prepared });
        }
        const times = this.spacing ? await this.assignTimes(later, now) : later.map((item) => ({ publishAt: item.explicitAt, slotAt: undefined }));
        for (const [index, item] of later.entries()) {
            const time = times[index];
            if (time?.publishAt !== undefined && time.publishAt > now) {
                await this.deliver(item.job.position, await this.enqueue(item, time.publishAt, time.slotAt, queued!));
                if (item.saves) withSaves.push({ item: { ...item, job: { ...item.job, draft: item.draft } }, firstAt: time.publishAt });
            } else {
                publishNow.push(item.job);
                if (item.saves) withSaves.push({ item, firstAt: now });
            }
        }
        publishNow.sort((a, b) => a.position - b.position);
        await this.kit.publisher.publishAll(publishNow, (job, outcome) => this.deliver(job.position, withJobNote(job, outcome)));
        for (const { item, firstAt } of withSaves) await this.queueSaves(item, firstAt, queued!);
    }

    /** The first board's pin was not queued (a duplicate, or a problem): its saves follow what became of it. */
    private async afterFirst(item: ChunkItem, outcome: PinOutcome, now: number): Promise<void> {
        const { status, publishAt } = outcome.row;
        if (status === 'skipped-duplicate') {
            await this.queueSaves(item, publishAt ? Date.parse(publishAt) : now, await this.openQueue());
            return;
        }
        for (const save of item.saves ?? []) {
            const source = `${item.job.source} boards[${save.index}]`;
            await this.deliver(
                save.position,
                invalidPinOutcome(
                    save.position,
                    source,
                    ['the pin for the first board was not queued (see its row), so it is not saved to this board'],
                    { ...item.job.draft, ...boardRef(save.board) },
                ),
            );
        }
    }

    /**
     * Queues the saves of a pin to its further boards (free): each a queue entry of its own, due
     * `boardIntervalDays × k` days after the first pin (longer when minDaysBetweenSameLink asks for more), which
     * publish-scheduled sends through the ledger like any pin, once.
     */
    private async queueSaves(item: ChunkItem, firstAt: number, queue: PinQueue): Promise<void> {
        const { input, runId } = this.context;
        const first = item.job.draft;
        let firstBoard = first.boardId;
        if (!firstBoard) {
            const lookup = await this.kit.boards.resolve(first.boardName ?? '');
            firstBoard = lookup.ok ? lookup.boardId : undefined;
        }
        const ofLedgerKey = firstBoard ? ledgerKey(contentOfDraft(first, firstBoard, input.environment), item.job.ledgerSuffix) : undefined;
        const minDays = first.linkUrl ? (this.spacing?.minDaysBetweenSameLink ?? 0) : 0;
        for (const save of item.saves ?? []) {
            const source = `${item.job.source} boards[${save.index}]`;
            const draft: PinDraft = {
                ...first,
                boardId: undefined,
                boardName: undefined,
                boardSectionId: undefined,
                boardSectionName: undefined,
                publishAt: undefined,
                ...boardRef(save.board),
            };
            if (!ofLedgerKey || !firstBoard) {
                await this.deliver(
                    save.position,
                    invalidPinOutcome(
                        save.position,
                        source,
                        ['the first board of boards could not be found (see the pin\u2019s row), so it is not saved to this board'],
                        draft,
                    ),
                );
                continue;
            }
            const job: PinJob = {
                position: save.position,
                source,
                draft,
                ledgerSuffix: input.allowDuplicates ? `${runId}#${save.position}` : undefined,
            };
            const prepared = await this.prepareForQueue(job, queue);
            if ('outcome' in prepared) {
                await this.deliver(save.position, prepared.outcome);
                continue;
            }
            const days = save.index * Math.max(save.intervalDays, minDays);
            const publishAt = plusCalendarDays(Math.max(firstAt, this.context.now()), days, input.timeZone);
            const outcome = await this.enqueue({ job, ...prepared }, publishAt, undefined, queue, { ofLedgerKey, ofBoardId: firstBoard });
            // Later pins of this run count the save's day and link, as they count every queued pin's.
            this.taken?.push({ publishAt, link: draft.linkUrl });
            const reason = `Saves the pin of board ${firstBoard} to this board ${plural(days, 'day')} after it (POST /pins/{pin_id}/save), when it is due.`;
            await this.deliver(save.position, { ...outcome, row: { ...outcome.row, reason } });
        }
    }

    private openQueue(): Promise<PinQueue> {
        return (this.queue ??= openAccountQueue(this.context, this.context.input).then(async (queue) => {
            this.pausedSince = await queue.pausedSince();
            return queue;
        }));
    }

    /** Pins go into a paused queue as asked: the user hears that they wait for resume-queue, once. */
    private warnIfPaused(queue: PinQueue): void {
        if (this.pausedSince === undefined || this.pauseWarned) return;
        this.pauseWarned = true;
        this.context.log.warning(
            `Publishing for ${queue.label} is paused since ${formatUtc(this.pausedSince)}: the pins ${this.context.input.dryRun ? 'would be' : 'are'} queued, and go out only after resume-queue.`,
        );
    }

    /** The pin's board and schedule id, or its row when it must not be queued (already queued, cancelled, published). */
    private async prepareForQueue(job: PinJob, queue: PinQueue): Promise<{ scheduleId: string; draft: PinDraft } | { outcome: PinOutcome }> {
        const { input, runId } = this.context;
        const row = jobRow(job, 'scheduled');
        let boardId = job.draft.boardId;
        if (!boardId) {
            const lookup = await this.kit.boards.resolve(job.draft.boardName ?? '');
            if (!lookup.ok) return { outcome: invalidPinOutcome(job.position, job.source, [lookup.problem], job.draft) };
            boardId = lookup.boardId;
        }
        // The section is found (or created) now, as the board is: publish-scheduled does not create either.
        let boardSectionId = job.draft.boardSectionId;
        if (job.draft.boardSectionName) {
            const section = await this.kit.boards.resolveSection(boardId, job.draft.boardSectionName);
            if (!section.ok) return { outcome: invalidPinOutcome(job.position, job.source, [section.problem], job.draft) };
            boardSectionId = section.sectionId;
        }
        const draft: PinDraft = { ...job.draft, boardId, boardSectionId, boardSectionName: undefined, boardName: undefined, publishAt: undefined };
        const key = ledgerKey(contentOfDraft(draft, boardId, input.environment), job.ledgerSuffix);
        const scheduleId = PinQueue.scheduleIdFor(key);
        const skipped = (reason: string, fields: Partial<PinResultItem> = {}) => ({
            outcome: freeOutcome({ ...row, boardId, scheduleId }, 'skipped-duplicate', { publishAt: null, ...fields, reason }),
        });
        const existing = await queue.get(scheduleId);
        // A pin update-scheduled moved away (its content changed) no longer holds this content's place.
        if (existing && existing.queuedByRun !== runId && existing.movedTo === undefined) {
            if (existing.status === 'cancelled') {
                return skipped(
                    `The same pin was cancelled (schedule ${scheduleId}), so it stays cancelled: to queue it again, run cancel-scheduled with scheduleIds ["${scheduleId}"] and a newPublishAt.`,
                );
            }
            if (existing.status === 'published')
                return skipped(`The same pin was published (pin ${existing.pinId}, schedule ${scheduleId}): it was not queued again.`, {
                    id: existing.pinId ?? null,
                    url: existing.pinUrl ?? null,
                });
            if (existing.status !== 'failed')
                return skipped(`The same pin is queued for ${formatUtc(existing.publishAt)} (schedule ${scheduleId}): it was not queued again.`, {
                    publishAt: formatUtc(existing.publishAt),
                });
        }
        const published = await this.kit.ledger.entry(key).read();
        if (published?.status === 'created') {
            return skipped(
                `The same pin was already published (pin ${published.pinId}): it was not queued again. Set allowDuplicates to true to post it anyway.`,
                { id: published.pinId ?? null, url: published.pinUrl ?? null },
            );
        }
        return { scheduleId, draft };
    }

    /** Times from spacing, counting what is queued already, what the ledger says went out with the same links, and earlier chunks. */
    private async assignTimes(items: ChunkItem[], now: number) {
        const { assignPublishTimes } = await import('../../schedule/spacing.js');
        const queue = await this.openQueue();
        if (!this.taken) {
            this.taken = [];
            // Only what still waits: finished pins are in the history, which spacing has no use for.
            for await (const pointer of queue.waitingPointers()) {
                const entry = await queue.entryAt(pointer.key);
                if (entry) this.taken.push({ publishAt: entry.publishAt, slotAt: entry.slotAt, link: entry.draft.linkUrl });
            }
        }
        if (this.spacing?.minDaysBetweenSameLink) {
            for (const link of new Set(items.map((item) => item.job.draft.linkUrl).filter((link): link is string => Boolean(link)))) {
                if (this.linksLoaded.has(link)) continue;
                this.linksLoaded.add(link);
                for (const publishedAt of await this.kit.ledger.linkPublishTimes(link)) this.taken.push({ publishAt: publishedAt, link });
            }
        }
        const pins = items.map((item) => ({ explicitPublishAt: item.explicitAt, link: item.job.draft.linkUrl }));
        const times = assignPublishTimes(pins, { ...this.spacing, timeZone: this.context.input.timeZone, now, existing: this.taken });
        times.forEach((time, index) => {
            if (time.publishAt !== undefined)
                this.taken!.push({ publishAt: time.publishAt, slotAt: time.slotAt, link: items[index]!.job.draft.linkUrl });
            if (time.note) this.context.log.info(`${items[index]!.job.source}: ${time.note}.`);
        });
        return times;
    }

    /** Puts a future pin in the queue (free), once. */
    private async enqueue(
        item: { job: PinJob; scheduleId: string; draft: PinDraft },
        publishAt: number,
        slotAt: number | undefined,
        queue: PinQueue,
        save?: QueueEntry['save'],
    ): Promise<PinOutcome> {
        const { input, runId } = this.context;
        const { job, scheduleId, draft } = item;
        const row = {
            ...jobRow({ ...job, publishAt: formatUtc(publishAt), scheduleId }, input.dryRun ? 'would-schedule' : 'scheduled'),
            boardId: draft.boardId ?? null,
            publishAtLocal: formatLocalTime(publishAt, input.timeZone),
        };
        this.nextDue = Math.min(this.nextDue ?? Infinity, publishAt);
        this.warnIfPaused(queue);
        if (input.dryRun) return { row, charged: false };
        const previous = await queue.get(scheduleId);
        const entry: QueueEntry = {
            version: 1,
            scheduleId,
            account: queue.account,
            environment: input.environment,
            draft,
            publishAt,
            slotAt,
            status: 'scheduled',
            attempts: 0,
            queuedAt: this.context.now(),
            queuedByRun: runId,
            ledgerSuffix: job.ledgerSuffix,
            save,
            revision: previous?.revision ?? 0,
        };
        await queue.put(entry, previous);
        return { row, charged: false };
    }

    /** The run's result, from the rows stored (this run's earlier processes included). */
    async result(total: number, output: RunOutput): Promise<ModeResult> {
        const { input } = this.context;
        const counts = this.kit.delivery.counts;
        // A run restarted after its one row was stored says what the first start said.
        const lastRow = this.lastRow ?? (total === 1 ? ((await output.readStoredItems(0, 1))[0] as PinResultItem | undefined) : undefined);
        // A run of one pin that did not go out has failed, and says why in the pin's own words.
        if (total === 1 && lastRow && NOT_OUT.has(lastRow.status)) {
            throw new ActorError(lastRow.error?.message ?? lastRow.reason ?? `The pin was ${lastRow.status}.`);
        }
        const out = (counts.created ?? 0) + (counts['skipped-duplicate'] ?? 0) + (counts.scheduled ?? 0);
        const stop = this.kit.publisher.stop;
        if (stop?.error && out === 0) throw stop.error;
        if (!input.dryRun && out === 0 && (counts.failed ?? 0) > 0) {
            const firstFailure = lastRow?.error?.message ? ` The last one: ${lastRow.error.message}` : '';
            throw new ActorError(`None of the ${total} pins could be published: ${describeCounts(counts)}${firstFailure}`);
        }
        if (total === 1 && lastRow?.status === 'created') {
            return { summary: `Created pin ${lastRow.id} on board ${lastRow.boardId}: ${lastRow.url}`, counts };
        }
        const nextDue = this.nextDue;
        const local = nextDue !== undefined && input.timeZone !== DEFAULT_TIME_ZONE ? ` (${formatLocalTime(nextDue, input.timeZone)})` : '';
        return {
            summary: `${describeCounts(counts)}${nextDue !== undefined ? ` Next scheduled pin: ${formatUtc(nextDue)}${local}.` : ''}`,
            counts,
            details: { dryRun: input.dryRun, ...(nextDue !== undefined ? { nextScheduledAt: formatUtc(nextDue) } : {}) },
        };
    }
}
