import { ActorError } from '../common/errors.js';
import { mapInPool } from '../common/pool.js';
import { countsSentence, formatCount, plural } from '../common/text.js';
import { FIELDS, modeInputSchema } from '../input/fields.js';
import { type PinDeletionItem, type PinDeletionStatus, pinUrl } from '../output/items.js';
import { KeyedDelivery } from '../output/keyed-delivery.js';
import { PinterestError } from '../pinterest/errors.js';
import { OPERATIONS } from '../pinterest/operations.js';
import type { PinLedger } from '../publish/ledger.js';
import { pinErrorOf, stopsTheBatch } from '../publish/pin-edits.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';

/** Pins deleted and stored together: a restart repeats at most this many. */
const PAGE_SIZE = 100;
/** Deletions at once; the transport's pacer keeps them within Pinterest's write limit. */
const CONCURRENCY = 4;

const GONE = 'Pinterest has no such pin (already deleted, or not one this token can see), so there was nothing to delete.';
const FORGOTTEN = ' The ledger now knows it is deleted: publishing the same pin again creates a new one.';

/**
 * Deletes the pins named in pinIds (ids or pin URLs), one row each: `deleted`, `not-found` (already gone counts as
 * done), `failed`, or in a dry run `would-delete`. Free. A deleted pin that the ledger published is marked deleted
 * there, so that publishing the same content again makes a new pin instead of being skipped as a duplicate.
 */
export const deletePins = defineMode({
    title: 'Delete pins',
    description: 'Deletes the pins you list (ids or pin URLs), and marks them deleted in the ledger; free.',
    input: modeInputSchema('delete-pins', { pinIds: FIELDS.pinIds, dryRun: FIELDS.dryRun, ledgerStoreName: SHARED_FIELDS.ledgerStoreName }),
    // Pins and queue entries named by ID belong to one account: a run lists one.
    oneAccount: true,
    operations: [OPERATIONS.deletePin, OPERATIONS.getPin],

    inputProblems: (raw) =>
        Array.isArray(raw.pinIds) && raw.pinIds.length > 0 ? [] : ['delete-pins needs pinIds: the pins to delete, as pin ids or pin URLs'],

    async run({ input, client, output, journal, storage, now }) {
        const delivery = await KeyedDelivery.open<PinDeletionItem>({ output, journal, rowType: 'pinDeletion', keyField: 'pinId' });
        const pinIds = [...new Set(input.pinIds ?? [])];
        let ledger: Promise<PinLedger> | undefined;
        // The ledger's module and store are opened only when a pin is gone.
        const openLedger = () =>
            (ledger ??= (async () => new (await import('../publish/ledger.js')).PinLedger(await storage.openNamedStore(input.ledgerStoreName)))());
        let stop: { reason: string; error: PinterestError } | undefined;

        /** Marks the ledger's entry of a pin that is gone as deleted; true when there was one. */
        const forget = async (pinId: string): Promise<boolean> => {
            const opened = await openLedger();
            const key = await opened.attributedTo(pinId);
            const record = key ? opened.entry(key) : undefined;
            const entry = await record?.read();
            if (!record || entry?.status !== 'created' || entry.pinId !== pinId) return false;
            await record.write({ ...entry, status: 'deleted', deletedAt: now(), claim: undefined });
            return true;
        };

        const row = (pinId: string, status: PinDeletionStatus, fields: Partial<PinDeletionItem> = {}): PinDeletionItem => ({
            type: 'pinDeletion',
            status,
            pinId,
            url: pinUrl(pinId),
            error: null,
            reason: null,
            ...fields,
        });
        const failed = (pinId: string, error: unknown) => {
            if (stopsTheBatch(error)) stop ??= { reason: `Not attempted: an earlier pin stopped the run. ${error.message}`, error };
            return row(pinId, 'failed', { error: pinErrorOf(error, pinId, 'delete') });
        };
        const gone = async (pinId: string, status: PinDeletionStatus, reason: string | null) =>
            row(pinId, status, { reason: `${reason ?? ''}${(await forget(pinId)) ? FORGOTTEN : ''}`.trim() || null });

        const deleteOne = async (pinId: string): Promise<PinDeletionItem> => {
            if (stop) return row(pinId, 'not-attempted', { reason: stop.reason });
            const notFound = (error: unknown) => error instanceof PinterestError && error.kind === 'not-found';
            if (input.dryRun) {
                try {
                    await client.getPin(pinId);
                    return row(pinId, 'would-delete');
                } catch (error) {
                    return notFound(error) ? row(pinId, 'not-found', { reason: GONE }) : failed(pinId, error);
                }
            }
            try {
                await client.deletePin(pinId);
                return await gone(pinId, 'deleted', null);
            } catch (error) {
                if (!notFound(error)) return failed(pinId, error);
                // Deleted by this run's earlier process, before a restart: its deletion, not an absence.
                return delivery.inheritedPlan(pinId) ? gone(pinId, 'deleted', null) : gone(pinId, 'not-found', GONE);
            }
        };

        const waiting = pinIds.filter((pinId) => !delivery.has(pinId));
        for (let start = 0; start < waiting.length; start += PAGE_SIZE) {
            const page = waiting.slice(start, start + PAGE_SIZE);
            if (!input.dryRun) await delivery.plan(page.map((key) => ({ key, data: true })));
            const rows = await mapInPool(page, CONCURRENCY, deleteOne);
            await delivery.store(rows.map((item) => ({ row: item, charged: false })));
            await output.progress?.(`Checked ${formatCount(delivery.stored)} of ${plural(pinIds.length, 'pin')}.`);
        }

        const counts = delivery.counts;
        const done = (counts.deleted ?? 0) + (counts['not-found'] ?? 0) + (counts['would-delete'] ?? 0);
        if (stop && done === 0) throw stop.error;
        if (done === 0 && (counts.failed ?? 0) > 0) {
            const first = (await output.readStoredItems(0, 1))[0] as PinDeletionItem | undefined;
            const which = pinIds.length === 1 ? '' : `None of the ${formatCount(pinIds.length)} pins could be deleted. The first: `;
            throw new ActorError(`${which}${first?.error?.message ?? 'Pinterest refused the deletion.'}`);
        }
        const summary = countsSentence(counts, [
            ['deleted', (n) => `deleted ${plural(n, 'pin')}`],
            ['would-delete', (n) => `${plural(n, 'pin')} would be deleted`],
            ['not-found', (n) => `${formatCount(n)} already gone`],
            ['not-attempted', (n) => `${formatCount(n)} not attempted (see each row's reason)`],
            ['failed', (n) => `${formatCount(n)} failed (see each row's error)`],
        ]);
        return { summary: `${summary}${input.dryRun ? ' Dry run: nothing was deleted.' : ''}`, counts, details: { dryRun: input.dryRun } };
    },
});
