import { ActorError } from '../../common/errors.js';
import { mapInPool } from '../../common/pool.js';
import { countsSentence, formatCount, plural } from '../../common/text.js';
import { largestImageUrl, type PinUpdateItem, pinUrl, type PinUpdateStatus } from '../../output/items.js';
import { KeyedDelivery, type KeyedOutcome } from '../../output/keyed-delivery.js';
import { budgetNote } from '../../output/list-delivery.js';
import { EVENTS } from '../../output/run-output.js';
import type { PinterestError } from '../../pinterest/errors.js';
import type { Pin } from '../../pinterest/schemas.js';
import { BoardDirectory } from '../../publish/boards.js';
import {
    changesSomething,
    computeChanges,
    type FieldChanges,
    holdsChanges,
    isBetaRefusal,
    mergeSpecs,
    type PinChangeSpec,
    pinErrorOf,
    pinValues,
    type PinValues,
    stopsTheBatch,
    toPinUpdate,
    wantedLink,
} from '../../publish/pin-edits.js';
import type { ModeContext, ModeResult } from '../types.js';
import { pinUpdateSchema, type UpdatePinsInput } from './input.js';

/** Pins checked, edited and stored together: a restart repeats at most this many checks. */
const PAGE_SIZE = 100;
/** Pins read or edited at once; the transport's pacer keeps the writes within Pinterest's limit whatever this is. */
const CONCURRENCY = 4;
/** How far a `linkContains` filter reads a board or the account looking for maxItems matching pins. */
const MAX_SCANNED = 100_000;

/** One pin the run was asked to edit, and how. */
interface Target {
    pinId: string;
    source: string;
    spec: PinChangeSpec;
    /** The pin as a list showed it; pins named by id are read first. */
    pin?: Pin;
    /** Named by the user (pinIds, pinUpdates) rather than found in a list. */
    named: boolean;
}

/** A pin checked: its row already, or the edit to send. */
type Checked =
    | { target: Target; outcome: KeyedOutcome<PinUpdateItem> }
    | { target: Target; pin: Pin; changes: FieldChanges; /** An earlier process of the run sent it already. */ done: boolean };

class Stop {
    constructor(
        readonly reason: string,
        readonly error?: PinterestError,
    ) {}
}

/** The one sentence for an app Pinterest does not let edit pins. */
const BETA_REFUSED =
    "Pinterest does not let this app edit pins (HTTP 401, code 3 on PATCH /pins): editing pins through the API is a beta that is not open to every app, so nothing was changed; apply for access to it for your app at developers.pinterest.com, or edit the pins in Pinterest's web app until then (and if the token lacks boards:write or pins:write, authorise the app again with them).";

/** Which pins, in the order their rows come: pinUpdates, then pinIds, or a board's or the account's pins. */
async function* targetsOf(context: ModeContext<UpdatePinsInput>, boards: BoardDirectory, listing: { hasMore: boolean }): AsyncGenerator<Target> {
    const { input, client } = context;
    const common = input.changes && changesSomething(input.changes) ? (input.changes as PinChangeSpec) : undefined;
    for (const [index, raw] of (input.pinUpdates ?? []).entries()) {
        const { pinId, ...own } = pinUpdateSchema.parse(raw);
        yield { pinId, source: `pinUpdates[${index}]`, spec: mergeSpecs(common, own as PinChangeSpec), named: true };
    }
    if (!common) return;
    if (input.pinIds && input.pinIds.length > 0) {
        for (const [index, pinId] of input.pinIds.entries()) yield { pinId, source: `pinIds[${index}]`, spec: common, named: true };
        return;
    }
    // Only pinUpdates: those pins and no others.
    if (!input.boardId && !input.boardName && input.pinUpdates?.length) return;
    let boardId = input.boardId;
    if (input.boardName) {
        // The board whose pins are edited must exist: it is never created.
        const lookup = await boards.resolve(input.boardName, { create: false });
        if (!lookup.ok) throw new ActorError(`${lookup.problem}.`);
        boardId = lookup.boardId;
    }
    const filter = input.linkContains;
    const maxItems = filter ? MAX_SCANNED : input.maxItems;
    const list = boardId ? client.listBoardPins(boardId, { maxItems }) : client.listPins({ maxItems });
    const source = boardId ? `board ${boardId}` : 'account';
    let taken = 0;
    for await (const page of list) {
        for (const [index, pin] of page.items.entries()) {
            if (filter && !(pin.link ?? '').includes(filter)) continue;
            yield { pinId: pin.id, source, spec: common, pin, named: false };
            taken += 1;
            if (taken >= input.maxItems) {
                listing.hasMore = index < page.items.length - 1 || page.nextBookmark !== null;
                return;
            }
        }
    }
}

/**
 * update-pins' run: every selected pin read (or taken from its list), its edits worked out against what it holds
 * now, and the ones that change anything sent as `PATCH /pins/{pin_id}`, a page at a time, one row per pin.
 * The same edit twice is the edit once, so a restart simply checks again: a pin already as asked is `unchanged`,
 * or `updated` when this run's earlier process sent it (the journal's plan says so), charged once either way.
 */
export async function runUpdatePins(context: ModeContext<UpdatePinsInput>): Promise<ModeResult> {
    const { input, output, journal } = context;
    const boards = new BoardDirectory(context.client, {
        createMissing: input.createMissingBoards,
        createMissingSections: input.createMissingSections,
        dryRun: input.dryRun,
    });
    const delivery = await KeyedDelivery.open<PinUpdateItem>({ output, journal, rowType: 'pinUpdate', keyField: 'pinId', event: EVENTS.pinUpdated });
    const editor = new PinEditor(context, boards, delivery);
    const listing = { hasMore: false };
    const seen = new Set<string>();
    let total = 0;
    let page: Target[] = [];
    for await (const target of targetsOf(context, boards, listing)) {
        if (seen.has(target.pinId)) continue;
        seen.add(target.pinId);
        total += 1;
        // Stored before a restart: done.
        if (delivery.has(target.pinId)) continue;
        page.push(target);
        if (page.length >= PAGE_SIZE) {
            await editor.process(page);
            page = [];
        }
    }
    await editor.process(page);
    return editor.result(total, listing.hasMore);
}

class PinEditor {
    private stop?: Stop;
    private firstWrite?: Promise<void>;
    private lastRow?: PinUpdateItem;

    constructor(
        private readonly context: ModeContext<UpdatePinsInput>,
        private readonly boards: BoardDirectory,
        private readonly delivery: KeyedDelivery<PinUpdateItem>,
    ) {}

    /** One page: check every pin, journal the edits about to go out, send them, store the rows in order. */
    async process(page: Target[]): Promise<void> {
        if (page.length === 0) return;
        const checked = await mapInPool(page, CONCURRENCY, (target) => this.check(target));
        const edits = checked.filter((item) => 'changes' in item && !item.done);
        if (edits.length > 0 && !this.context.input.dryRun) {
            await this.delivery.plan(edits.map((item) => ({ key: item.target.pinId, data: 'changes' in item ? item.changes : {} })));
        }
        const outcomes = await mapInPool(checked, CONCURRENCY, (item) => ('outcome' in item ? Promise.resolve(item.outcome) : this.send(item)));
        await this.delivery.store(outcomes);
        this.lastRow = outcomes.at(-1)?.row;
        const counts = this.delivery.counts;
        const verb = this.context.input.dryRun ? 'Checked' : `Updated ${formatCount(counts.updated ?? 0)} so far; checked`;
        await this.context.output.progress?.(`${verb} ${plural(this.delivery.stored, 'pin')}.`);
    }

    private row(target: Target, status: PinUpdateStatus, fields: Partial<PinUpdateItem> = {}): PinUpdateItem {
        return {
            type: 'pinUpdate',
            status,
            pinId: target.pinId,
            url: pinUrl(target.pinId),
            source: target.source,
            title: target.pin?.title ?? null,
            imageUrl: target.pin ? largestImageUrl(target.pin) : null,
            changes: {},
            error: null,
            reason: null,
            ...fields,
        };
    }

    private free(target: Target, status: PinUpdateStatus, fields: Partial<PinUpdateItem> = {}): KeyedOutcome<PinUpdateItem> {
        return { row: this.row(target, status, fields), charged: false };
    }

    /** Reads the pin if need be and works out what would change. */
    private async check(target: Target): Promise<Checked> {
        const { input, client } = this.context;
        let pin = target.pin;
        if (!pin) {
            if (this.stop) return { target, outcome: this.free(target, 'not-attempted', { reason: this.stop.reason }) };
            try {
                pin = await client.getPin(target.pinId);
            } catch (error) {
                if (stopsTheBatch(error)) this.stop ??= new Stop(`Not attempted: ${error.message}`, error);
                return { target, outcome: this.free(target, 'failed', { error: pinErrorOf(error, target.pinId, 'read') }) };
            }
        }
        const read = { ...target, pin };
        if (target.named && input.linkContains && !(pin.link ?? '').includes(input.linkContains)) {
            return {
                target: read,
                outcome: this.free(read, 'unchanged', {
                    reason: `Its link does not contain linkContains ("${input.linkContains}"), so it was left as it is.`,
                }),
            };
        }
        const current = pinValues(pin);
        const planned = this.delivery.inheritedPlan(target.pinId) as FieldChanges | undefined;
        if (planned && Object.keys(planned).length > 0 && holdsChanges(current, planned)) return { target: read, pin, changes: planned, done: true };

        const wanted = await this.wanted(current, target.spec);
        if ('problem' in wanted) {
            return {
                target: read,
                outcome: this.free(read, 'failed', {
                    error: { message: `${target.source}: ${wanted.problem}.`, httpStatus: null, pinterestCode: null, requestId: null },
                }),
            };
        }
        const changes = computeChanges(current, wanted);
        if (Object.keys(changes).length === 0)
            return { target: read, outcome: this.free(read, 'unchanged', { reason: 'Already as asked: nothing was sent.' }) };
        if (input.dryRun)
            return { target: read, outcome: this.free(read, 'would-update', { changes, title: changes.pinTitle?.after ?? pin.title ?? null }) };
        return { target: read, pin, changes, done: false };
    }

    /** The values the spec asks for, boards and sections resolved by name. */
    private async wanted(current: PinValues, spec: PinChangeSpec): Promise<Partial<PinValues> | { problem: string }> {
        const link = wantedLink(current.linkUrl, spec);
        if (!link.ok) return { problem: link.problem };
        const wanted: Partial<PinValues> = {
            pinTitle: spec.pinTitle,
            pinDescription: spec.pinDescription,
            altText: spec.altText,
            linkUrl: link.link,
        };
        const failure = (error: unknown) => ({
            ok: false as const,
            problem: error instanceof Error ? error.message.replace(/\.$/, '') : String(error),
        });
        let boardId = spec.boardId;
        if (spec.boardName) {
            const lookup = await this.boards.resolve(spec.boardName).catch(failure);
            if (!lookup.ok) return { problem: lookup.problem };
            boardId = lookup.boardId;
        }
        wanted.boardId = boardId;
        const board = boardId ?? current.boardId;
        let sectionId: string | null | undefined = spec.boardSectionId;
        if (spec.boardSectionName) {
            if (!board)
                return { problem: 'Pinterest did not say which board the pin is on, so its section cannot be found by name: give boardId too' };
            const lookup = await this.boards.resolveSection(board, spec.boardSectionName).catch(failure);
            if (!lookup.ok) return { problem: lookup.problem };
            sectionId = lookup.sectionId;
        }
        // A pin moved to another board leaves its section there.
        if (sectionId === undefined && boardId !== undefined && boardId !== current.boardId) sectionId = null;
        wanted.boardSectionId = sectionId;
        return wanted;
    }

    /** Sends one pin's edit, within the budget; the first edit of the run goes alone, so that a refusal costs one request. */
    private async send(item: Extract<Checked, { changes: FieldChanges }>): Promise<KeyedOutcome<PinUpdateItem>> {
        const { target, pin, changes } = item;
        const { client, output } = this.context;
        let opened: (() => void) | undefined;
        const gate = this.firstWrite;
        if (gate) await gate;
        else this.firstWrite = new Promise<void>((resolve) => (opened = resolve));
        try {
            if (this.stop) return this.free(target, 'not-attempted', { changes, reason: this.stop.reason });
            // Held from before the request until the row is charged: an edit is never made that the budget cannot pay for.
            const release = output.reserve(EVENTS.pinUpdated);
            const updated = (answer: Pin | undefined): KeyedOutcome<PinUpdateItem> => ({
                row: this.row(target, 'updated', {
                    changes,
                    title: changes.pinTitle?.after ?? answer?.title ?? pin.title ?? null,
                    imageUrl: largestImageUrl(answer ?? pin) ?? largestImageUrl(pin),
                }),
                charged: release !== undefined,
                release,
            });
            // Sent by this run's earlier process: reported (and charged, if the budget still can) without sending again.
            if (item.done) return updated(undefined);
            if (!release) {
                this.stop = new Stop(
                    'Not attempted: the maximum charge you set for this run cannot pay for one more pin-updated event, so this pin was not changed: raise it and run again.',
                );
                return this.free(target, 'not-attempted', { changes, reason: this.stop.reason });
            }
            try {
                return updated(await client.updatePin(target.pinId, toPinUpdate(changes)));
            } catch (error) {
                release();
                if (isBetaRefusal(error)) this.stop ??= new Stop(`Not attempted: ${BETA_REFUSED}`, error as PinterestError);
                else if (stopsTheBatch(error)) this.stop ??= new Stop(`Not attempted: an earlier pin stopped the run. ${error.message}`, error);
                const rowError = pinErrorOf(error, target.pinId, 'edit');
                return this.free(target, 'failed', { changes, error: isBetaRefusal(error) ? { ...rowError, message: BETA_REFUSED } : rowError });
            }
        } finally {
            opened?.();
        }
    }

    /** The run's result from the rows stored (this run's earlier processes included). */
    async result(total: number, hasMore: boolean): Promise<ModeResult> {
        const { input, output } = this.context;
        const counts = this.delivery.counts;
        const updated = counts.updated ?? 0;
        const stop = this.stop;
        if (stop?.error && updated === 0) throw new ActorError(isBetaRefusal(stop.error) ? BETA_REFUSED : stop.error.message);
        const lastRow = this.lastRow ?? (total === 1 ? ((await output.readStoredItems(0, 1))[0] as PinUpdateItem | undefined) : undefined);
        if (total === 1 && lastRow && (lastRow.status === 'failed' || lastRow.status === 'not-attempted')) {
            throw new ActorError(lastRow.error?.message ?? lastRow.reason ?? `Pin ${lastRow.pinId} was ${lastRow.status}.`);
        }
        if (!input.dryRun && updated + (counts.unchanged ?? 0) === 0 && (counts.failed ?? 0) > 0) {
            const last = lastRow?.error?.message ? ` The last one: ${lastRow.error.message}` : '';
            throw new ActorError(`None of the ${formatCount(total)} pins could be updated: ${describeUpdates(counts)}${last}`);
        }
        if (total === 0) {
            return {
                summary: input.linkContains ? `No pin's link contains "${input.linkContains}": nothing to update.` : 'No pins to update.',
                counts,
            };
        }
        const budget = budgetNote({ stoppedByBudget: stop !== undefined && !stop.error && (counts['not-attempted'] ?? 0) > 0 });
        const more = hasMore
            ? ` ${input.boardId || input.boardName ? 'The board' : 'The account'} has more pins: raise maxItems to include them.`
            : '';
        const dry = input.dryRun ? ' Dry run: nothing was sent.' : '';
        const summary = `${describeUpdates(counts).replace(/\.$/, budget ? `${budget}.` : '.')}${dry}${more}`;
        return { summary, counts, hasMore, details: { dryRun: input.dryRun } };
    }
}

/** "Updated 300 pins, 2 unchanged, 1 failed (see each row's error)." */
export function describeUpdates(counts: Record<string, number>): string {
    const only = Object.entries(counts).filter(([, count]) => count > 0);
    if (only.length === 1 && counts.unchanged) return `All ${plural(counts.unchanged, 'pin')} are already as asked: nothing was sent.`;
    return countsSentence(counts, [
        ['updated', (n) => `updated ${plural(n, 'pin')}`],
        ['would-update', (n) => `${plural(n, 'pin')} would be updated`],
        ['unchanged', (n) => `${formatCount(n)} unchanged`],
        ['not-attempted', (n) => `${formatCount(n)} not attempted (see each row's reason)`],
        ['failed', (n) => `${formatCount(n)} failed (see each row's error)`],
    ]);
}
