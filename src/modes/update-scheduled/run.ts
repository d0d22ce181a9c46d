import { plural } from '../../common/text.js';
import { UserInputError } from '../../input/parse.js';
import type { ScheduledPinUpdateItem, ScheduledPinUpdateStatus } from '../../output/items.js';
import { BoardDirectory } from '../../publish/boards.js';
import type { PinDraft } from '../../publish/draft.js';
import { contentOfDraft, ledgerKey, PinLedger } from '../../publish/ledger.js';
import { computeChanges, type PinChangeSpec, type PinValues, wantedLink } from '../../publish/pin-edits.js';
import { openAccountQueue, PinQueue, type QueueEntry } from '../../schedule/queue.js';
import { formatLocalTime, formatUtc, parsePublishAt } from '../../schedule/time.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { UpdateScheduledInput } from './input.js';

/** Ledger states in which an earlier attempt may have created the pin on Pinterest: only publish-scheduled may settle them. */
const UNSETTLED = new Set(['sending', 'unconfirmed']);

/** A queued pin's fields as update-scheduled shows them before and after. */
const valuesOf = (draft: PinDraft): PinValues => ({
    pinTitle: draft.pinTitle ?? null,
    pinDescription: draft.pinDescription ?? null,
    linkUrl: draft.linkUrl ?? null,
    altText: draft.altText ?? null,
    boardId: draft.boardId ?? null,
    boardSectionId: draft.boardSectionId ?? null,
});

/** What one queued pin becomes: its new draft and time, or why it stays as it is. */
type Plan = { ok: true; draft: PinDraft; publishAt: number } | { ok: false; problem: string };

/**
 * update-scheduled's run: each named queued pin, changed from what is stored at that moment. A change of content
 * changes the pin's identity (the ledger keys pins by it, and the schedule id follows the ledger key): the pin
 * moves to its new schedule id, and its old one stays in the history as cancelled, pointing at the new one, so
 * that the old content may be queued again and the new content is never queued twice.
 */
export async function runUpdateScheduled(context: ModeContext<UpdateScheduledInput>): Promise<ModeResult> {
    const { input, output, client, storage } = context;
    const queue = await openAccountQueue(context, input);
    const moveTo = input.newPublishAt ? parsePublishAt(input.newPublishAt, input.timeZone, 'newPublishAt') : undefined;
    if (moveTo && !moveTo.ok) throw new UserInputError([moveTo.problem]);
    const ledger = new PinLedger(await storage.openNamedStore(input.ledgerStoreName));
    const boards = new BoardDirectory(client, { createMissing: false, createMissingSections: false, dryRun: input.dryRun });
    const editor = new ScheduledEditor(context, queue, ledger, boards, moveTo?.ok ? moveTo.epochMs : undefined);

    const rows: ScheduledPinUpdateItem[] = [];
    for (const scheduleId of new Set(input.scheduleIds ?? [])) rows.push(await editor.update(scheduleId));
    await output.pushRows(rows);

    const counts: Partial<Record<ScheduledPinUpdateStatus, number>> = {};
    for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
    const parts = [
        counts.updated ? `updated ${plural(counts.updated, 'queued pin')}` : '',
        counts['would-update'] ? `${plural(counts['would-update'], 'queued pin')} would be updated` : '',
        counts.unchanged ? `${counts.unchanged} unchanged` : '',
        counts.refused ? `${counts.refused} refused (see each row's reason)` : '',
        counts['not-found'] ? `${plural(counts['not-found'], 'schedule id')} not in the queue` : '',
    ].filter(Boolean);
    const text = parts.length > 0 ? parts.join(', ') : 'nothing to do';
    return { summary: `${text[0]!.toUpperCase()}${text.slice(1)} (${queue.label}).`, counts };
}

class ScheduledEditor {
    constructor(
        private readonly context: ModeContext<UpdateScheduledInput>,
        private readonly queue: PinQueue,
        private readonly ledger: PinLedger,
        private readonly boards: BoardDirectory,
        private readonly newPublishAt: number | undefined,
    ) {}

    private row(status: ScheduledPinUpdateStatus, entry: QueueEntry | undefined, scheduleId: string, fields: Partial<ScheduledPinUpdateItem> = {}) {
        const publishAt = entry?.publishAt;
        return {
            type: 'scheduledPinUpdate',
            status,
            scheduleId,
            newScheduleId: entry?.scheduleId ?? null,
            publishAt: publishAt === undefined ? null : formatUtc(publishAt),
            publishAtLocal: publishAt === undefined ? null : formatLocalTime(publishAt, this.context.input.timeZone),
            title: entry?.draft.pinTitle ?? null,
            changes: {},
            reason: null,
            ...fields,
        } satisfies ScheduledPinUpdateItem;
    }

    async update(scheduleId: string): Promise<ScheduledPinUpdateItem> {
        const { input } = this.context;
        const entry = await this.queue.get(scheduleId);
        if (!entry)
            return this.row('not-found', undefined, scheduleId, {
                reason: `Schedule ${scheduleId} is not in queue store "${input.queueStoreName}" for ${this.queue.label}.`,
            });
        // A move this mode began and did not finish (the run died between its two writes) is finished now.
        const unfinishedMove = entry.status === 'cancelled' && entry.movedTo !== undefined;
        if (entry.movedTo !== undefined) {
            const moved = await this.queue.get(entry.movedTo);
            if (moved)
                return this.row('unchanged', moved, scheduleId, {
                    reason: `It was changed earlier and is now schedule ${entry.movedTo}: name that id.`,
                });
        }
        const refusal = unfinishedMove ? undefined : this.refusal(entry);
        if (refusal) return this.row('refused', entry, scheduleId, { reason: refusal });

        const plan = await this.plan(entry);
        if (!plan.ok) return this.row('refused', entry, scheduleId, { reason: plan.problem });
        const before = { ...valuesOf(entry.draft), publishAt: formatUtc(entry.publishAt) };
        const after = { ...valuesOf(plan.draft), publishAt: formatUtc(plan.publishAt) };
        const changes: Record<string, { before: string | null; after: string | null }> = {
            ...computeChanges(valuesOf(entry.draft), valuesOf(plan.draft)),
        };
        if (before.publishAt !== after.publishAt) changes.publishAt = { before: before.publishAt, after: after.publishAt };
        if (Object.keys(changes).length === 0 && !unfinishedMove) {
            return this.row('unchanged', entry, scheduleId, { reason: 'The queued pin is already as asked: nothing was changed.' });
        }

        const environment = entry.environment;
        const oldKey = ledgerKey(contentOfDraft(entry.draft, entry.draft.boardId ?? '', environment), entry.ledgerSuffix);
        const newKey = ledgerKey(contentOfDraft(plan.draft, plan.draft.boardId ?? '', environment), entry.ledgerSuffix);
        const earlier = await this.ledger.entry(oldKey).read();
        if (earlier?.status === 'created') {
            return this.row('refused', entry, scheduleId, {
                changes,
                reason: `It was already published (pin ${earlier.pinId}): edit it with update-pins instead.`,
            });
        }
        if (earlier && UNSETTLED.has(earlier.status)) {
            return this.row('refused', entry, scheduleId, {
                changes,
                reason: 'An earlier attempt to publish it may have created it on Pinterest: the next publish-scheduled run checks the board first; change it after that.',
            });
        }
        const newId = newKey === oldKey ? scheduleId : PinQueue.scheduleIdFor(newKey);
        if (newId !== scheduleId) {
            const published = await this.ledger.entry(newKey).read();
            if (published?.status === 'created') {
                return this.row('refused', entry, scheduleId, {
                    changes,
                    reason: `A pin with that content was already published (pin ${published.pinId}): publishing it again would be a duplicate.`,
                });
            }
            const holder = await this.queue.get(newId);
            if (holder && holder.movedTo === undefined && holder.status !== 'cancelled' && holder.status !== 'failed') {
                return this.row('refused', entry, scheduleId, {
                    changes,
                    reason: `Another queued pin (schedule ${newId}, ${holder.status}) already has that content: it would go out twice.`,
                });
            }
        }
        const next: QueueEntry = { ...entry, draft: plan.draft, publishAt: plan.publishAt };
        if (this.newPublishAt !== undefined) Object.assign(next, { slotAt: undefined, nextAttemptAt: undefined });
        if (input.dryRun) return this.row('would-update', { ...next, scheduleId: newId }, scheduleId, { changes });
        const written = newId === scheduleId ? await this.inPlace(next) : await this.move(entry, next, newId, unfinishedMove);
        if (!written) {
            const current = await this.queue.get(scheduleId);
            return this.row('refused', current ?? entry, scheduleId, {
                changes,
                reason: current ? this.refusal(current) : 'It left the queue meanwhile.',
            });
        }
        return this.row('updated', written, scheduleId, { changes });
    }

    /** Why a queued pin may not change, or undefined: only a waiting pin that no running publish holds may. */
    private refusal(entry: QueueEntry): string | undefined {
        const now = this.context.now();
        if (entry.status === 'scheduled') return undefined;
        if (entry.status === 'publishing') {
            return (entry.lease?.expiresAt ?? 0) <= now ? undefined : 'A publish-scheduled run is publishing it right now: it was left as it is.';
        }
        if (entry.status === 'published') return `It was already published (pin ${entry.pinId}): edit it with update-pins instead.`;
        if (entry.status === 'failed') return 'It failed for good and left the queue: queue it again with cancel-scheduled and a newPublishAt first.';
        return 'It was cancelled: queue it again with cancel-scheduled and a newPublishAt first.';
    }

    /** The pin as the changes make it: boards and sections by name are resolved now, as create-pin does when it queues. */
    private async plan(entry: QueueEntry): Promise<Plan> {
        const spec: PinChangeSpec = this.context.input.changes ?? {};
        const draft = entry.draft;
        let boardId = spec.boardId ?? draft.boardId;
        if (!spec.boardId && spec.boardName) {
            const lookup = await this.boards.resolve(spec.boardName, { create: false });
            if (!lookup.ok) return { ok: false, problem: `changes.${lookup.problem}.` };
            boardId = lookup.boardId;
        }
        // Another board: the old board's section means nothing there.
        let boardSectionId = boardId === draft.boardId ? draft.boardSectionId : undefined;
        if (spec.boardSectionId) boardSectionId = spec.boardSectionId;
        else if (spec.boardSectionName) {
            const section = await this.boards.resolveSection(boardId ?? '', spec.boardSectionName);
            if (!section.ok) return { ok: false, problem: `changes.${section.problem}.` };
            boardSectionId = section.sectionId;
        }
        const link = wantedLink(draft.linkUrl ?? null, spec);
        if (!link.ok) return { ok: false, problem: `${link.problem[0]!.toUpperCase()}${link.problem.slice(1)}.` };
        return {
            ok: true,
            draft: {
                ...draft,
                pinTitle: spec.pinTitle ?? draft.pinTitle,
                pinDescription: spec.pinDescription ?? draft.pinDescription,
                altText: spec.altText ?? draft.altText,
                linkUrl: link.link ?? undefined,
                boardId,
                boardSectionId,
            },
            publishAt: this.newPublishAt ?? entry.publishAt,
        };
    }

    /** Same identity: the entry changes where it is (its waiting index key moves with a new time). */
    private inPlace(next: QueueEntry): Promise<QueueEntry | undefined> {
        return this.queue.update(next.scheduleId, (current) =>
            this.refusal(current) === undefined
                ? { ...current, draft: next.draft, publishAt: next.publishAt, slotAt: next.slotAt, nextAttemptAt: next.nextAttemptAt }
                : undefined,
        );
    }

    /**
     * A new identity: the old entry is cancelled first, naming the new schedule id (a publish-scheduled run checks
     * its entry right before the POST, so it no longer sends the old content), then the new entry is written.
     */
    private async move(entry: QueueEntry, next: QueueEntry, newId: string, unfinished: boolean): Promise<QueueEntry | undefined> {
        const now = this.context.now();
        if (!unfinished) {
            const cancelled = await this.queue.update(entry.scheduleId, (current) =>
                this.refusal(current) === undefined
                    ? {
                          ...current,
                          status: 'cancelled',
                          movedTo: newId,
                          lease: undefined,
                          finishedAt: now,
                          lastError: `Changed by update-scheduled: now schedule ${newId}.`,
                      }
                    : undefined,
            );
            if (!cancelled) return undefined;
        }
        const previous = await this.queue.get(newId);
        const moved: QueueEntry = {
            ...next,
            scheduleId: newId,
            status: 'scheduled',
            movedTo: undefined,
            lease: undefined,
            lastError: undefined,
            finishedAt: undefined,
            revision: previous?.revision ?? 0,
        };
        await this.queue.put(moved, previous);
        return moved;
    }
}
