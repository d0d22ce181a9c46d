import type { PinAnalyticsItem } from '../../output/analytics-items.js';
import { type DateRange, fromDay, previousPeriod, resolveDateRange, today } from '../../analytics/dates.js';
import { resumeProgress } from '../../analytics/progress.js';
import {
    type AnalyticsPin,
    fetchPinAnalytics,
    type MultiPinAccess,
    multiPinTotals,
    pinsById,
    quickPinAnalyticsItem,
    toAnalyticsPin,
} from '../../analytics/pin-analytics.js';
import { publishedTimeMs } from '../../analytics/input.js';
import { accountName, boardName } from '../../analytics/names.js';
import { boardSummaries, pinReportData } from '../../analytics/report-data.js';
import { saveReport } from '../../analytics/save-report.js';
import { accountRecords, publishedPins } from '../account-history.js';
import type { ModeContext, ModeResult } from '../types.js';
import { type ChosenBoard, chooseBoard } from '../board-choice.js';
import type { PinAnalyticsInput } from './input.js';
import { formatCount, plural } from '../../common/text.js';
import { budgetNote } from '../../output/list-delivery.js';
import { EVENTS } from '../../output/run-output.js';
import type { PinterestClient } from '../../pinterest/client.js';
import { PinterestError } from '../../pinterest/errors.js';
import type { Pin } from '../../pinterest/schemas.js';

/** The pins this Actor published in the window publishedSince..publishedUntil, from the ledger's index (one board's, when chosen). */
async function publishedInWindow({ input, client, storage }: ModeContext<PinAnalyticsInput>, board: ChosenBoard | undefined) {
    const records = await accountRecords(client, input.environment);
    const since = publishedTimeMs(input.publishedSince ?? '', 'since');
    const until = input.publishedUntil ? publishedTimeMs(input.publishedUntil, 'until') : undefined;
    const { pins } = await publishedPins(storage, input.ledgerStoreName, records.key, { since, until });
    return { records, pins: board ? pins.filter((pin) => pin.boardId === board.id) : pins };
}

/** Which pins: the listed ones (fetched one by one for title and image), the published ones, a board's, or the account's. */
async function collectPins(
    { input, client, log }: ModeContext<PinAnalyticsInput>,
    board: ChosenBoard | undefined,
    limit: number,
    warnings: string[],
    published?: Awaited<ReturnType<typeof publishedInWindow>>,
): Promise<Pin[]> {
    const pinMetrics = input.quick;
    const pins: Pin[] = [];
    if (published) {
        const wanted = published.pins.slice(0, limit);
        const { pins: found } = await pinsById(
            client,
            wanted.map((pin) => pin.pinId),
            { accountPinCount: published.records.account.pin_count ?? undefined, pinMetrics },
        );
        for (const entry of wanted) {
            const pin = found.get(entry.pinId);
            if (pin) pins.push(pin);
            else
                warnings.push(
                    `Pin ${entry.pinId}, published ${new Date(entry.publishedAt).toISOString()} on board ${entry.boardId}, is no longer on Pinterest (deleted, or not visible to this token): skipped.`,
                );
        }
        log.info(`Found ${plural(pins.length, 'pin')} this Actor published ${publishedWords(input)}${board ? ` on ${board.label}` : ''}.`);
        return pins;
    }
    if (input.pinIds && input.pinIds.length > 0) {
        for (const pinId of [...new Set(input.pinIds)].slice(0, limit)) {
            try {
                pins.push(await client.getPin(pinId, { pinMetrics }));
            } catch (error) {
                if (!(error instanceof PinterestError && error.kind === 'not-found')) throw error;
                warnings.push(`Pin ${pinId} was not found (deleted, or not visible to this token): skipped.`);
            }
        }
        return pins;
    }
    const list = board ? client.listBoardPins(board.id, { maxItems: limit, pinMetrics }) : client.listPins({ maxItems: limit, pinMetrics });
    for await (const page of list) pins.push(...page.items);
    log.info(`Found ${plural(pins.length, 'pin')} ${board ? `on ${board.label}` : 'in the account'}.`);
    return pins;
}

/**
 * get-pin-analytics: rows are stored (and charged) batch by batch as they arrive, so a failure later keeps what
 * was fetched and a spent budget stops the requests; the report is written at the end from the stored rows.
 */
export async function runPinAnalytics(context: ModeContext<PinAnalyticsInput>): Promise<ModeResult> {
    const { input, client, output, log, now, journal } = context;
    const requested = input.quick
        ? { startDate: fromDay(today(now()) - 90), endDate: fromDay(today(now())), days: 91, warnings: [] }
        : resolveDateRange({ startDate: input.startDate, endDate: input.endDate }, now(), input.clampDateRange);
    const progress = await resumeProgress(journal, output, requested);
    const range = progress.range;
    const warnings = [...range.warnings];
    for (const warning of range.warnings) log.warning(warning);
    const chosen = input.pinIds && input.pinIds.length > 0 ? undefined : await chooseBoard(client, input);
    // Reports and messages name a board by its name: asked for once when the input gave only its ID.
    const board = chosen && (chosen.name ? chosen : { ...chosen, label: `board ${(await boardName(client, chosen.id)) ?? chosen.id}` });
    const published = input.publishedSince ? await publishedInWindow(context, board) : undefined;
    const wanted = published
        ? Math.min(input.maxItems, published.pins.length)
        : input.pinIds && input.pinIds.length > 0
          ? input.pinIds.length
          : input.maxItems;
    const budget = output.budgetFor(EVENTS.itemFetched);
    const limit = Math.max(0, Math.min(wanted, progress.stored + budget));
    const pins = limit > 0 ? await collectPins(context, board, limit, warnings, published) : [];
    const stoppedByBudget = progress.stored + budget < wanted;
    const publishedAt = new Map(published?.pins.map((pin) => [pin.pinId, new Date(pin.publishedAt).toISOString()]));

    // After a restart, the pins stored before it come first again: their numbers are fetched for the report,
    // but neither stored nor charged a second time.
    const rows: PinAnalyticsItem[] = [];
    let seen = 0;
    let budgetExhausted = false;
    const store = async (batch: PinAnalyticsItem[]) => {
        // A pin Pinterest has no numbers for still gets its row, so the dataset lists every pin asked for (and a
        // spreadsheet or an agent does not silently miss one), but the row is free: it says why it is empty, and
        // item-fetched is charged only for numbers. Charged rows go first, a fixed order a restart replays alike.
        const ordered = [...batch.filter((row) => row.hasData), ...batch.filter((row) => !row.hasData)];
        const replayed = ordered.slice(0, Math.max(0, progress.stored - seen));
        const fresh = ordered.slice(replayed.length);
        seen += ordered.length;
        rows.push(...replayed);
        if (fresh.length === 0) return;
        const charged = fresh.filter((row) => row.hasData);
        const result = await output.pushFetched(charged);
        rows.push(...charged.slice(0, result.delivered));
        budgetExhausted = result.budgetExhausted || result.delivered < charged.length;
        if (!budgetExhausted) {
            const free = fresh.filter((row) => !row.hasData);
            await output.pushRows(free);
            rows.push(...free);
        }
        await progress.save(rows.length);
    };

    const access: MultiPinAccess = { closed: false };
    const analyticsPins: AnalyticsPin[] = pins.map((pin) => ({ ...toAnalyticsPin(pin), publishedAt: publishedAt.get(pin.id) ?? null }));
    if (input.quick) {
        await store(pins.map((pin) => quickPinAnalyticsItem(pin, range, publishedAt.get(pin.id))));
    } else {
        const request = { range, metricTypes: input.metricTypes ?? [], appTypes: input.appTypes };
        for await (const batch of fetchPinAnalytics(client, analyticsPins, request, access, log)) {
            await store(batch);
            if (budgetExhausted) break;
            if (rows.length % 100 === 0 || rows.length === analyticsPins.length)
                log.info(`Analytics fetched for ${rows.length} of ${analyticsPins.length} pins.`);
        }
    }

    // groupBy "board": one free summary row per board, after the pins' rows (a restart skips those stored already).
    const boards = input.groupBy === 'board' && !budgetExhausted ? boardSummaries(rows, await boardNames(client, board), range) : [];
    const boardsFresh = boards.slice(Math.max(0, progress.stored - seen));
    if (boardsFresh.length > 0) {
        await output.pushRows(boardsFresh);
        await progress.save(rows.length + boards.length);
    }

    const account = await accountName(client);
    const pinsLabel = published
        ? `${plural(rows.length, 'pin')} published ${publishedWords(input)}${board ? ` on ${board.label}` : ''}`
        : input.pinIds?.length
          ? plural(rows.length, 'selected pin')
          : board
            ? `${plural(rows.length, 'pin')} of ${board.label}`
            : `${plural(rows.length, 'pin')} of ${account ?? 'your account'}`;
    // The report names the account in its heading already.
    const reportSubject = published || input.pinIds?.length || board ? pinsLabel : `${plural(rows.length, 'pin')} of the whole account`;
    const empty = rows.filter((row) => !row.hasData).length;
    let previous: { range: DateRange; totals: Record<string, number | null> } | undefined;
    let previousNote: string | undefined;
    const earlier = input.quick ? undefined : previousPeriod(range, now());
    if (input.quick) previousNote = 'Quick mode: the 90-day counters of the pin lists, without daily numbers.';
    else if (!earlier) previousNote = 'No comparison with the period before: Pinterest keeps only 90 days of analytics.';
    else if (access.closed) previousNote = 'No comparison with the period before: without multi-pin access it would cost one more request per pin.';
    else {
        const shown = new Set(rows.filter((row) => row.hasData).map((row) => row.pinId));
        const totals = await multiPinTotals(
            client,
            analyticsPins.filter((pin) => shown.has(pin.id)),
            { range: earlier, metricTypes: input.metricTypes ?? [], appTypes: input.appTypes },
            access,
        );
        if (totals) previous = { range: earlier, totals };
    }

    const report = await saveReport(context, () =>
        pinReportData({
            rows,
            range,
            heading: { reportTitle: input.reportTitle, account, subject: reportSubject },
            generatedAt: new Date(now()).toISOString(),
            previous,
            previousNote,
            boards,
        }),
    );
    if (report.warning) warnings.push(report.warning);

    const how = input.quick
        ? 'from the pin lists (quick)'
        : access.closed
          ? 'one request per pin (no multi-pin access)'
          : 'with the multi-pin endpoint';
    const cut = budgetNote({ stoppedByBudget: stoppedByBudget || budgetExhausted });
    return {
        summary: `Fetched analytics for ${pinsLabel}${withoutDataNote(empty, rows.length)}, ${range.startDate} to ${range.endDate}, ${how}${cut}.${report.saved ? ' Report: report.html.' : ''}`,
        counts: { fetched: rows.length - empty, withoutData: empty, ...(input.groupBy ? { boards: boards.length } : {}) },
        hasMore: stoppedByBudget || budgetExhausted,
        warnings,
        details: {
            startDate: range.startDate,
            endDate: range.endDate,
            multiPinAccess: input.quick ? null : !access.closed,
            ...(report.saved ? { report: 'report.html' } : {}),
        },
        overview: {
            account,
            startDate: range.startDate,
            endDate: range.endDate,
            totals: summed(rows),
            previousTotals: previous?.totals,
            report: report.saved,
        },
    };
}

/** The pins' totals over the range, metric by metric: what an overview of several accounts shows of this one. */
function summed(rows: readonly PinAnalyticsItem[]): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const row of rows)
        for (const [key, value] of Object.entries(row.summary ?? {})) if (typeof value === 'number') totals[key] = (totals[key] ?? 0) + value;
    return totals;
}

/** "since 2026-03-01", "from 2026-03-01 to 2026-03-31". */
const publishedWords = (input: PinAnalyticsInput) =>
    input.publishedUntil ? `from ${input.publishedSince} to ${input.publishedUntil}` : `since ${input.publishedSince}`;

/** Board names for the summary rows: the chosen board's, else every board of the account (one request per 250). */
async function boardNames(client: PinterestClient, board: ChosenBoard | undefined): Promise<Map<string, string>> {
    if (board) return new Map([[board.id, board.name ?? board.label.replace(/^board /, '')]]);
    const names = new Map<string, string>();
    try {
        for await (const page of client.listBoards({ maxItems: Number.MAX_SAFE_INTEGER }))
            for (const each of page.items) names.set(each.id, each.name);
    } catch (error) {
        if (!(error instanceof PinterestError)) throw error;
    }
    return names;
}

/** For the status message: how many rows are empty, and that they cost nothing. */
function withoutDataNote(empty: number, total: number): string {
    if (empty === 0) return '';
    if (empty === total) return total === 1 ? ' (no data in the range, not charged)' : ' (none has data in the range, not charged)';
    return ` (${formatCount(empty)} without data in the range, not charged)`;
}
