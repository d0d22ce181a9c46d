import { ActorError } from '../../common/errors.js';
import { UserInputError } from '../../input/parse.js';
import { type PinResultItem, pinResultItem } from '../../output/items.js';
import { type CreatePinInput, SINGLE_PIN_MARKERS } from './input.js';
import type { ModeContext, ModeResult } from '../types.js';
import { openAccountQueue, PinQueue, type QueueEntry } from '../../schedule/queue.js';
import type { SpacingInput } from '../../schedule/spacing.js';
import { formatUtc, parsePublishAt } from '../../schedule/time.js';
import { describeCounts, invalidPinOutcome, openPublishing, type PinJob, type PinOutcome, type PublishingKit } from '../../publish/batch.js';
import { checkDraft, type PinDraft, pinDraftShape } from '../../publish/draft.js';
import { contentOfDraft, ledgerKey } from '../../publish/ledger.js';

/**
 * create-pin's run: every pin of the input (the single-pin fields, `pins`, the CSV) in order, each checked, then
 * queued when it has a future time, or published now through the ledger, one result row per pin.
 */
export async function runCreatePin(context: ModeContext<CreatePinInput>): Promise<ModeResult> {
    const { input, log } = context;
    const spacing = await loadSpacing(input);
    const kit = await openPublishing(context, { ...input, environment: input.environment });
    const { delivery } = kit;
    const jobs: PinJob[] = [];
    const future: Array<{ job: PinJob; publishAt: number; slotAt?: number }> = [];
    let valid = 0;
    let total = 0;

    const explicitTimes = new Map<number, number>();
    for await (const candidate of pinCandidates(input, log)) {
        total = candidate.position;
        // Rows stored before a restart of this run are done: their pins are in the ledger or the queue already.
        if (candidate.position <= delivery.storedThrough) {
            if (!('problems' in candidate)) valid += 1;
            continue;
        }
        if ('problems' in candidate) {
            if (candidate.source === 'input') throw new UserInputError(candidate.problems);
            await delivery.add(candidate.position, invalidPinOutcome(candidate.position, candidate.source, candidate.problems));
            continue;
        }
        const { draft } = candidate;
        if (draft.publishAt) {
            const parsed = parsePublishAt(draft.publishAt, input.timeZone);
            if (!parsed.ok) {
                await delivery.add(
                    candidate.position,
                    invalidPinOutcome(candidate.position, candidate.source, [parsed.problem], { title: draft.pinTitle ?? null }),
                );
                continue;
            }
            explicitTimes.set(candidate.position, parsed.epochMs);
        }
        valid += 1;
        const ledgerSuffix = input.allowDuplicates ? `${context.runId}#${candidate.position}` : undefined;
        jobs.push({ position: candidate.position, source: candidate.source, draft, ledgerSuffix });
    }
    if (total === 0) throw new UserInputError(['the pins list and the CSV hold no pins: add at least one']);

    const now = context.now();
    const queue = spacing || [...explicitTimes.values()].some((at) => at > now) ? await openAccountQueue(context, input) : undefined;
    const times = spacing
        ? await spaceJobs(jobs, explicitTimes, spacing, input.timeZone, now, queue!, kit)
        : jobs.map((job) => ({ publishAt: explicitTimes.get(job.position), slotAt: undefined as number | undefined }));
    const publishNow: PinJob[] = [];
    jobs.forEach((job, index) => {
        const time = times[index];
        if (time?.publishAt !== undefined && time.publishAt > now)
            future.push({ job: { ...job, publishAt: formatUtc(time.publishAt) }, publishAt: time.publishAt, slotAt: time.slotAt });
        else publishNow.push(job);
    });

    let lastRow: PinResultItem | undefined;
    const deliver = async (position: number, outcome: PinOutcome) => {
        lastRow = outcome.row;
        await delivery.add(position, outcome);
    };
    for (const item of future) await deliver(item.job.position, await enqueue(item, queue!, kit, context));
    await kit.publisher.publishAll(publishNow, (job, outcome) => deliver(job.position, outcome));
    await delivery.finish();

    // A run of one pin that did not go out has failed, and says why in the pin's own words.
    if (total === 1 && lastRow && ['failed', 'not-attempted', 'unconfirmed'].includes(lastRow.status)) {
        throw new ActorError(lastRow.error?.message ?? lastRow.reason ?? `The pin was ${lastRow.status}.`);
    }

    const counts = delivery.counts;
    const stop = kit.publisher.stop;
    if (valid === 0 && !input.dryRun)
        throw new ActorError(`None of the ${total} pins could be published: ${describeCounts(counts)} Fix the rows the dataset lists and run again.`);
    if (stop?.error && !counts.created && !counts['skipped-duplicate'] && !counts.scheduled) throw stop.error;
    if (total === 1 && lastRow?.status === 'created') {
        return { summary: `Created pin ${lastRow.id} on board ${lastRow.boardId}: ${lastRow.url}`, counts: delivery.counts };
    }
    const nextDue = future.length > 0 ? Math.min(...future.map((item) => item.publishAt)) : undefined;
    return {
        summary: `${describeCounts(counts)}${nextDue !== undefined ? ` Next scheduled pin: ${formatUtc(nextDue)}.` : ''}`,
        counts,
        details: { dryRun: input.dryRun, ...(nextDue !== undefined ? { nextScheduledAt: formatUtc(nextDue) } : {}) },
    };
}

type PinCandidate = { position: number; source: string; draft: PinDraft } | { position: number; source: string; problems: string[] };

/** Every pin of the input in order: the top-level pin, then `pins`, then the CSV's rows. */
async function* pinCandidates(input: CreatePinInput, log: ModeContext<unknown>['log']): AsyncGenerator<PinCandidate> {
    let position = 0;
    const checked = (source: string, raw: unknown): PinCandidate => {
        position += 1;
        const check = checkDraft(raw);
        return check.ok ? { position, source, draft: check.draft } : { position, source, problems: check.problems };
    };
    if (SINGLE_PIN_MARKERS.some((field) => input[field] !== undefined)) {
        yield checked('input', Object.fromEntries(Object.keys(pinDraftShape).map((field) => [field, input[field as keyof PinDraft]])));
    }
    for (const [index, raw] of (input.pins ?? []).entries()) {
        yield typeof raw === 'object' && raw !== null && !Array.isArray(raw)
            ? checked(`pins[${index}]`, raw)
            : { position: ++position, source: `pins[${index}]`, problems: ['each item of pins must be an object of pin fields'] };
    }
    if (input.pinsCsv || input.pinsCsvUrl) {
        // CSV support is loaded only by runs that read a CSV.
        const { readPinsCsv, openCsvUrl } = await import('../../publish/csv.js');
        const source = input.pinsCsvUrl ? await openCsvUrl(input.pinsCsvUrl) : (input.pinsCsv ?? '');
        const warned = new Set<string>();
        const onWarning = (message: string) => {
            if (!warned.has(message)) log.warning(message);
            warned.add(message);
        };
        for await (const row of readPinsCsv(source, { onWarning, fieldName: input.pinsCsvUrl ? 'pinsCsvUrl' : 'pinsCsv' })) {
            const label = `CSV row ${row.rowNumber}`;
            yield 'problem' in row ? { position: ++position, source: label, problems: [row.problem] } : checked(label, row.draft);
        }
    }
}

async function loadSpacing(input: CreatePinInput) {
    if (!input.spacing) return undefined;
    const { parseSpacing } = await import('../../schedule/spacing.js');
    const parsed = parseSpacing(input.spacing as SpacingInput, input.timeZone);
    if (!parsed.ok) throw new UserInputError(parsed.problems);
    return parsed.options;
}

/** Times from spacing, counting what is queued already and what the ledger says went out with the same links. */
async function spaceJobs(
    jobs: PinJob[],
    explicitTimes: Map<number, number>,
    spacing: NonNullable<Awaited<ReturnType<typeof loadSpacing>>>,
    timeZone: string,
    now: number,
    queue: PinQueue,
    kit: PublishingKit,
) {
    const { assignPublishTimes } = await import('../../schedule/spacing.js');
    const queued = (await queue.entries()).filter((entry) => entry.status === 'scheduled' || entry.status === 'publishing');
    const existing = queued.map((entry) => ({ publishAt: entry.publishAt, slotAt: entry.slotAt, link: entry.draft.linkUrl }));
    if (spacing.minDaysBetweenSameLink) {
        const links = new Set(jobs.map((job) => job.draft.linkUrl).filter((link): link is string => Boolean(link)));
        for (const link of links)
            for (const publishedAt of await kit.ledger.linkPublishTimes(link)) existing.push({ publishAt: publishedAt, slotAt: undefined, link });
    }
    const pins = jobs.map((job) => ({ explicitPublishAt: explicitTimes.get(job.position), link: job.draft.linkUrl }));
    return assignPublishTimes(pins, { ...spacing, timeZone, now, existing });
}

/** Puts a future pin in the queue (free), once: the same pin queued again is reported, not queued twice. */
async function enqueue(
    item: { job: PinJob; publishAt: number; slotAt?: number },
    queue: PinQueue,
    kit: PublishingKit,
    context: ModeContext<CreatePinInput>,
) {
    const { job } = item;
    const { input, runId } = context;
    const row = pinResultItem({
        status: input.dryRun ? 'would-schedule' : 'scheduled',
        position: job.position,
        source: job.source,
        boardId: job.draft.boardId ?? null,
        boardName: job.draft.boardName ?? null,
        title: job.draft.pinTitle ?? null,
        description: job.draft.pinDescription ?? null,
        link: job.draft.linkUrl ?? null,
        imageUrl: job.draft.imageUrl ?? job.draft.imageUrls?.[0] ?? job.draft.coverImageUrl ?? null,
        key: job.draft.key ?? null,
        publishAt: formatUtc(item.publishAt),
    });
    let boardId = job.draft.boardId;
    if (!boardId) {
        const lookup = await kit.boards.resolve(job.draft.boardName ?? '');
        if (!lookup.ok) return invalidPinOutcome(job.position, job.source, [lookup.problem], { title: row.title });
        boardId = lookup.boardId;
    }
    const draft: PinDraft = { ...job.draft, boardId, boardName: undefined, publishAt: undefined };
    const scheduleId = PinQueue.scheduleIdFor(ledgerKey(contentOfDraft(draft, boardId, input.environment), job.ledgerSuffix));
    const scheduled = { row: { ...row, boardId, scheduleId }, charged: false };
    const record = queue.record(scheduleId);
    const existing = await record.read();
    const alive = existing && existing.status !== 'cancelled' && existing.status !== 'failed';
    if (alive && existing.queuedByRun !== runId) {
        const when = existing.status === 'published' ? `was published (pin ${existing.pinId})` : `is queued for ${formatUtc(existing.publishAt)}`;
        return {
            row: {
                ...scheduled.row,
                status: 'skipped-duplicate' as const,
                id: existing.pinId ?? null,
                publishAt: formatUtc(existing.publishAt),
                reason: `The same pin ${when} (schedule ${scheduleId}): it was not queued again.`,
            },
            charged: false,
        };
    }
    if (input.dryRun) return scheduled;
    const entry: QueueEntry = {
        version: 1,
        scheduleId,
        account: queue.account,
        environment: input.environment,
        draft,
        publishAt: item.publishAt,
        slotAt: item.slotAt,
        status: 'scheduled',
        attempts: 0,
        queuedAt: context.now(),
        queuedByRun: runId,
        ledgerSuffix: job.ledgerSuffix,
    };
    await record.write(entry);
    return scheduled;
}
