import { takeSnapshot } from '../../analytics/snapshot.js';
import { plural } from '../../common/text.js';
import type { AnalyticsSnapshotItem } from '../../output/analytics-items.js';
import { budgetNote } from '../../output/list-delivery.js';
import { EVENTS } from '../../output/run-output.js';
import { accountRecords, openHistory, publishedPins } from '../account-history.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { SnapshotAnalyticsInput } from './input.js';

/**
 * snapshot-analytics: one snapshot of the token's account into the history store, and one summary row (charged as
 * one item-fetched). Whatever the snapshot writes is the same however often it runs, so a restarted run simply takes
 * it again; the row is stored once, the dataset itself saying whether it already was.
 */
export async function runSnapshotAnalytics(context: ModeContext<SnapshotAnalyticsInput>): Promise<ModeResult> {
    const { input, client, output, storage, log, now } = context;
    const records = await accountRecords(client, input.environment);
    const history = await openHistory(storage, input.historyStoreName, records);
    const published = await publishedPins(storage, input.ledgerStoreName, records.key);
    const result = await takeSnapshot({
        client,
        history,
        account: records.account,
        publishedPins: published.pins,
        topPinsCount: input.topPinsCount,
        now,
        log,
    });

    const row: AnalyticsSnapshotItem = {
        type: 'analyticsSnapshot',
        accountId: records.account.id ?? null,
        username: records.account.username ?? null,
        snapshotAt: new Date(result.snapshotAt).toISOString(),
        historyStore: input.historyStoreName,
        fetchedStartDate: result.fetched?.startDate ?? null,
        fetchedEndDate: result.fetched?.endDate ?? null,
        daysWritten: result.daysWritten,
        daysFinal: result.daysFinal,
        daysPending: result.daysPending,
        lostStartDate: result.lost?.startDate ?? null,
        lostEndDate: result.lost?.endDate ?? null,
        historyFirstDate: result.firstDay ?? null,
        historyLastDate: result.lastDay ?? null,
        followerCount: result.counters.followerCount,
        followingCount: result.counters.followingCount,
        monthlyViews: result.counters.monthlyViews,
        pinCount: result.counters.pinCount,
        boardCount: result.counters.boardCount,
        publishedPins: published.pins.length,
        topPins: result.topPins,
        pinsRecorded: result.pinsRecorded,
        recordsWritten: result.recordsWritten,
    };
    // After a restart the row may be stored already: the dataset says so, and it is neither stored nor charged again.
    const stored = (await output.readStoredItems(0, 1)).length > 0;
    const pushed = stored ? { delivered: 1 } : output.budgetFor(EVENTS.itemFetched) >= 1 ? await output.pushFetched([row]) : { delivered: 0 };

    const who = records.account.username ? `@${records.account.username}` : 'the account';
    const what =
        result.daysWritten === 0 && !result.countersWritten && result.recordsWritten.length === 0
            ? 'nothing new to store: the history already had every day Pinterest gave'
            : `${plural(result.daysWritten, 'day')} written (${result.daysFinal} final, ${result.daysPending} still updating) and today's counters${result.countersWritten ? '' : ' (unchanged)'}`;
    const lostNote = result.lost ? `; ${result.lost.startDate} to ${result.lost.endDate} lost (no snapshot ran while Pinterest had those days)` : '';
    return {
        summary: `Snapshot of ${who} in key-value store "${input.historyStoreName}": ${what}${lostNote}; counters of ${plural(result.pinsRecorded, 'pin')} (${plural(published.pins.length, 'published pin')}, ${plural(result.topPins, 'top pin')})${budgetNote({ stoppedByBudget: pushed.delivered === 0 })}.`,
        counts: { fetched: pushed.delivered, daysWritten: result.daysWritten, pinsRecorded: result.pinsRecorded },
        hasMore: pushed.delivered === 0,
        warnings: result.warnings,
        details: {
            historyStore: input.historyStoreName,
            recordsWritten: result.recordsWritten,
            historyFirstDate: result.firstDay ?? null,
            historyLastDate: result.lastDay ?? null,
            lost: result.lost ?? null,
        },
    };
}
