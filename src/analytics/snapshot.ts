import type { Log } from '../common/log.js';
import { toPinItem } from '../output/items.js';
import type { PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import type { Account, Pin } from '../pinterest/schemas.js';
import { addDays, type DateRange, daysBetween, fromDay, MAX_DAYS_BACK, today } from './dates.js';
import { type AccountCounters, type AnalyticsHistory, isFinalStatus, type PinsRecord, yearsOf } from './history.js';
import { ACCOUNT_METRIC_TYPES, mergeBlock } from './metrics.js';
import { pinsById } from './pin-analytics.js';

/**
 * One snapshot of an account for its history (see history.ts): the days Pinterest still has that the history lacks
 * or holds as not final, the account's counters of today, and the counters of the pins this Actor published and of
 * the top pins. Meant to run daily from a Schedule; any gap shorter than Pinterest's 90 days is filled, a longer one
 * is recorded as lost, and a second snapshot on the same day writes nothing.
 */

/** The top pins of a snapshot: ranked over the 30 days ending yesterday, as get-account-analytics does by default. */
const TOP_PINS_DAYS = 30;

/** A pin this Actor published, as the ledger's index tells it. */
export interface PublishedPinRef {
    pinId: string;
    boardId: string;
    publishedAt: number;
}

export interface SnapshotDeps {
    client: Pick<PinterestClient, 'getAccountAnalytics' | 'getTopPins' | 'getPin' | 'listPins'>;
    history: AnalyticsHistory;
    account: Account;
    /** The pins this Actor published for the account (the ledger's index). */
    publishedPins: readonly PublishedPinRef[];
    topPinsCount: number;
    now: () => number;
    log: Pick<Log, 'info' | 'warning'>;
}

export interface SnapshotResult {
    snapshotAt: number;
    /** The days asked of Pinterest (those missing or not final), if any. */
    fetched?: DateRange;
    /** Days whose numbers were written (new, or changed since the last snapshot). */
    daysWritten: number;
    /** Of the days fetched: how many are final, and how many Pinterest may still change (rewritten by later snapshots). */
    daysFinal: number;
    daysPending: number;
    /** Days no snapshot ran for while Pinterest still had them, found by this one. */
    lost?: DateRange;
    firstDay?: string;
    lastDay?: string;
    counters: AccountCounters;
    countersWritten: boolean;
    /** Pins whose counters were recorded, and those Pinterest no longer shows (deleted, or someone else's). */
    pinsRecorded: number;
    pinsMissing: number;
    topPins: number;
    /** The records written, by key: empty when nothing changed. */
    recordsWritten: string[];
    warnings: string[];
}

export function countersOf(account: Account, at: number): AccountCounters {
    return {
        at,
        followerCount: account.follower_count ?? null,
        followingCount: account.following_count ?? null,
        monthlyViews: account.monthly_views ?? null,
        pinCount: account.pin_count ?? null,
        boardCount: account.board_count ?? null,
    };
}

export async function takeSnapshot(deps: SnapshotDeps): Promise<SnapshotResult> {
    const { client, history, account, now, log } = deps;
    const snapshotAt = now();
    const todayDay = today(snapshotAt);
    const todayDate = fromDay(todayDay);
    const window: DateRange = { startDate: fromDay(todayDay - MAX_DAYS_BACK), endDate: todayDate };
    const warnings: string[] = [];

    // The window's years, the latest stored one (what the last snapshot left, however long ago it ran) and the oldest
    // (where the history begins): at most four reads, whatever the history's length.
    const stored = await history.storedYears();
    await history.load([...yearsOf(window), ...stored.slice(0, 1), ...stored.slice(-1)]);
    const lastAccounted = history.lastAccountedDay();

    // Days Pinterest has that are missing or not final: from the first such day to today, in one request (at most 90 days).
    const wanted = dayList(window).find((date) => !isFinalStatus(history.day(date)?.dataStatus));
    const fetched = wanted ? { startDate: wanted, endDate: todayDate } : undefined;
    let lost: DateRange | undefined;
    if (lastAccounted && addDays(lastAccounted, 1) < window.startDate) {
        lost = { startDate: addDays(lastAccounted, 1), endDate: addDays(window.startDate, -1) };
        await history.load(yearsOf(lost));
        history.putLost(lost, snapshotAt);
        const message = `No snapshot ran from ${lost.startDate} to ${lost.endDate} while Pinterest still had those days: ${daysBetween(lost.startDate, lost.endDate)} days are lost and recorded as such. Run snapshot-analytics at least every 90 days (daily from a Schedule) to keep every day.`;
        log.warning(message);
        warnings.push(message);
    }

    let daysWritten = 0;
    let daysFinal = 0;
    let daysPending = 0;
    if (fetched) {
        const answer = await client.getAccountAnalytics({ ...fetched, metricTypes: ACCOUNT_METRIC_TYPES, appTypes: 'ALL' });
        const days = mergeBlock(answer.all ?? Object.values(answer)[0]).daily;
        for (const day of days) {
            if (day.date < fetched.startDate || day.date > fetched.endDate) continue;
            if (isFinalStatus(day.dataStatus)) daysFinal += 1;
            else daysPending += 1;
            if (history.putDay(day.date, day.dataStatus, day.metrics, snapshotAt)) daysWritten += 1;
        }
    }
    const counters = countersOf(account, snapshotAt);
    const countersWritten = history.putCounters(todayDate, counters);
    const recordsWritten = await history.save();

    const pins = await snapshotPins(deps, todayDate, warnings);
    if (pins.written) recordsWritten.push(pins.written);
    const lastDay = history.lastAccountedDay();
    return {
        snapshotAt,
        fetched,
        daysWritten,
        daysFinal,
        daysPending,
        lost,
        firstDay: history.firstDay(),
        lastDay,
        counters,
        countersWritten,
        pinsRecorded: pins.recorded,
        pinsMissing: pins.missing,
        topPins: pins.topPins,
        recordsWritten,
        warnings,
    };
}

const dayList = (range: DateRange) =>
    Array.from({ length: daysBetween(range.startDate, range.endDate) }, (_, index) => addDays(range.startDate, index));

/**
 * The day's counters of the published pins and the top pins, in the month's pins record (written only if they
 * changed). The top pins and the pins' counters are extras: a refusal is a warning, the account's days are kept.
 */
async function snapshotPins(
    { client, history, account, publishedPins, topPinsCount, log }: SnapshotDeps,
    date: string,
    warnings: string[],
): Promise<{ recorded: number; missing: number; topPins: number; written?: string }> {
    const warn = (message: string) => {
        log.warning(message);
        warnings.push(message);
    };
    const topRange = { startDate: addDays(date, -TOP_PINS_DAYS), endDate: addDays(date, -1) };
    let topIds: string[] = [];
    try {
        const top = await client.getTopPins({ ...topRange, sortBy: 'IMPRESSION', numOfPins: topPinsCount, appTypes: 'ALL' });
        topIds = top.pins.map((pin) => pin.pin_id);
    } catch (error) {
        if (!(error instanceof PinterestError)) throw error;
        warn(`The top pins could not be fetched, so this snapshot has none; the account's days are stored. ${error.message}`);
    }
    const published = new Map(publishedPins.map((pin) => [pin.pinId, pin]));
    const ids = [...new Set([...published.keys(), ...topIds])];
    let found = new Map<string, Pin>();
    let missing: string[] = [];
    try {
        ({ pins: found, missing } = await pinsById(client, ids, { accountPinCount: account.pin_count ?? undefined, pinMetrics: true }));
    } catch (error) {
        if (!(error instanceof PinterestError)) throw error;
        warn(`The counters of the published and top pins could not be fetched; the account's days are stored. ${error.message}`);
        missing = ids;
    }

    const month = date.slice(0, 7);
    const record = history.pinsRecord(month);
    const stored: PinsRecord = (await record.read()) ?? {
        version: 1,
        month,
        account: history.account,
        columns: [],
        pins: {},
        topPins: {},
    };
    const before = JSON.stringify(stored);
    for (const id of ids) {
        const pin = found.get(id);
        const metrics = pin ? toPinItem(pin).metrics : undefined;
        if (!metrics) continue;
        const values = Object.entries(metrics).flatMap(([group, counters]) =>
            Object.entries(counters ?? {}).map(([name, value]) => [`${group}.${name}`, value] as const),
        );
        for (const [column] of values) if (!stored.columns.includes(column)) stored.columns.push(column);
        const row = stored.columns.map((column) => values.find(([name]) => name === column)?.[1] ?? null);
        const source = published.get(id);
        const entry = (stored.pins[id] ??= { boardId: source?.boardId ?? null, publishedAt: source?.publishedAt ?? null, days: {} });
        if (source) Object.assign(entry, { boardId: source.boardId, publishedAt: source.publishedAt });
        entry.days[date] = row;
    }
    if (topIds.length > 0) stored.topPins[date] = { ...topRange, sortBy: 'IMPRESSION', pinIds: topIds };
    const recorded = ids.filter((id) => found.get(id)?.pin_metrics).length;
    if (JSON.stringify(stored) === before) return { recorded, missing: missing.length, topPins: topIds.length };
    await record.write(stored);
    return { recorded, missing: missing.length, topPins: topIds.length, written: history.pinsKey(month) };
}
