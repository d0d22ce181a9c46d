import type { DateRange } from '../dates.js';
import { utcFormat } from 'd3-time-format';

import { isNoDataStatus, type Metrics } from '../metrics.js';
import { dailyChartSvg } from './charts.js';
import { inlineImages, type ImageFetcher } from './thumbnails.js';
import { plural } from '../../common/text.js';

/**
 * The analytics report: one self-contained HTML page (charts as inline SVG, thumbnails as data: URIs, styles
 * inline, a Content-Security-Policy that forbids every load) that can be mailed, archived or printed.
 */

export interface ReportDay {
    date: string;
    dataStatus: string | null;
    /** Empty on a day without numbers (before the pins existed). */
    metrics: Metrics;
}

export interface ReportPin {
    pinId: string;
    url: string;
    title: string | null;
    imageUrl: string | null;
    metrics: Metrics;
    /** Set for a pin Pinterest has no numbers for in the range: why, in a sentence. */
    noData?: string;
}

/** One month of an account report's month-by-month table. */
export interface MonthRow {
    /** `YYYY-MM`. */
    month: string;
    /** Days of the range in the month, and how many of them have numbers. */
    days: number;
    daysWithData: number;
    metrics: Metrics;
    /** The counters at the month's last snapshot. */
    followerCount: number | null;
    monthlyViews: number | null;
    /** Impressions of the month's days and of the days they are compared with, over the days both have. */
    compared?: { current: number; previous: number; days: number };
}

export interface ReportData {
    /** What kind of report: "Pin analytics". */
    kind: string;
    /** The page's title: the user's reportTitle, else the account's name, else the kind. */
    title: string;
    /** Who or what the numbers are about ("12 pins of board Summer Recipes · Plant Based Kitchen on Pinterest"). */
    subject: string;
    range: DateRange;
    /** ISO 8601; shown as people write it. */
    generatedAt: string;
    /** Metric keys (camelCase) charted, in order. */
    metrics: string[];
    /** Metric keys whose totals are shown, in order (rates as percentages). */
    totalsShown: string[];
    /** The range's days, summed over what the report covers. */
    days: ReportDay[];
    totals: Metrics;
    /** Totals of the period compared with (the same-length one before, or a year earlier), when it has numbers. */
    previous?: {
        range: DateRange;
        totals: Metrics;
        /** The range's totals over the days compared, when not all its days have a counterpart with numbers. */
        currentTotals?: Metrics;
        pairedDays?: number;
    };
    /** Why there is no comparison, when there is none. */
    previousNote?: string;
    /** What the period compared with is, in words: "the 30 days before", "the same days a year earlier". */
    compareLabel?: string;
    /** Why the pins table is empty, when it is. */
    pinsNote?: string;
    /** The account's top video pins, with their video metrics. */
    videoPins?: { title: string; pins: ReportPin[]; metrics: string[] };
    /** Counters over time as the history's snapshots found them (followers, monthly views). */
    growth?: Array<{ key: string; points: Array<{ date: string; value: number }> }>;
    /** The month-by-month table. */
    months?: { metrics: string[]; rows: MonthRow[]; compareLabel?: string };
    /** The first day Pinterest answered for, when older days came from the history (as a snapshot last stored them). */
    pinterestFrom?: string;
    /** The boards' summaries (get-pin-analytics, groupBy "board"). */
    boards?: {
        metrics: string[];
        rows: Array<{ boardId: string; name: string | null; pins: number; pinsWithData: number; metrics: Metrics }>;
    };
    /** Why a day before the range's first numbers has none: "before the pin was created". */
    beforeCreated: string;
    /** Ranked pins; the table shows their metrics in `tableMetrics` order. */
    pins: ReportPin[];
    pinsTitle: string;
    tableMetrics: string[];
    notes?: string[];
}

const LABELS: Record<string, string> = {
    impression: 'Impressions',
    save: 'Saves',
    pinClick: 'Pin clicks',
    outboundClick: 'Outbound clicks',
    engagement: 'Engagements',
    totalComments: 'Comments',
    totalReactions: 'Reactions',
    userFollow: 'Follows',
    profileVisit: 'Profile visits',
    saveRate: 'Save rate',
    clickThroughRate: 'Click-through rate',
    outboundClickRate: 'Outbound click rate',
    engagementRate: 'Engagement rate',
    pinClickRate: 'Pin click rate',
    videoMrcView: 'Video views',
    video10sView: '10-second views',
    videoStart: 'Video starts',
    quartile95PercentView: '95% views',
    videoAvgWatchTime: 'Avg. watch time (ms)',
    videoV50WatchTime: 'Watch time (ms)',
    followerCount: 'Followers',
    monthlyViews: 'Monthly views',
};
const COLORS = ['#e60023', '#0a7cff', '#1a7f37', '#8250df', '#bf8700', '#cf222e', '#0969da', '#6e7781'];

export const metricLabel = (key: string) => LABELS[key] ?? key.replace(/([A-Z0-9]+)/g, ' $1').replace(/^./, (first) => first.toUpperCase());
const isRate = (key: string) => /Rate$/.test(key);
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
export const formatMetric = (key: string, value: number | null | undefined) =>
    value === null || value === undefined ? '–' : isRate(key) ? `${(value * 100).toFixed(2)}%` : numberFormat.format(value);

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Pinterest's data_status in the words a client reads. */
const STATUS_WORDS: Record<string, string> = {
    READY: 'final',
    PROCESSING: 'still updating',
    ESTIMATE: 'estimate',
    BEFORE_PIN_CREATED: 'before the pin was created',
    BEFORE_DATA_RETENTION_PERIOD: 'older than Pinterest keeps',
    HISTORY_NOT_STARTED: 'before the history began',
    NOT_SNAPSHOTTED: 'no snapshot while Pinterest had it',
    SNAPSHOT: 'as a snapshot counted it',
};
/** Days the history has no numbers for, and why: shaded in the charts and named in the caveats. */
const HISTORY_GAPS = new Set(['HISTORY_NOT_STARTED', 'NOT_SNAPSHOTTED']);
export const statusText = (status: string | null) =>
    status === null ? 'status unknown' : (STATUS_WORDS[status] ?? status.toLowerCase().replace(/_/g, ' '));
const PROVISIONAL_STATUSES = new Set(['PROCESSING', 'ESTIMATE']);

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const fullDay = utcFormat('%-d %B %Y');
const dayOfMonth = utcFormat('%-d');
const dayAndMonth = utcFormat('%-d %B');
/** "27 November 2026". */
export const formatDay = (date: string) => fullDay(utc(date));
/** "8 to 28 November 2026", "8 November to 4 December 2026", "20 December 2026 to 3 January 2027". */
export function formatRange(range: DateRange): string {
    const { startDate: start, endDate: end } = range;
    if (start === end) return formatDay(start);
    if (start.slice(0, 7) === end.slice(0, 7)) return `${dayOfMonth(utc(start))} to ${formatDay(end)}`;
    if (start.slice(0, 4) === end.slice(0, 4)) return `${dayAndMonth(utc(start))} to ${formatDay(end)}`;
    return `${formatDay(start)} to ${formatDay(end)}`;
}
/** "4 December 2026, 18:05 UTC". */
export const formatGenerated = (iso: string) => utcFormat('%-d %B %Y, %H:%M UTC')(new Date(iso));

/** Consecutive dates as ranges: ["2026-11-01", "2026-11-02", "2026-11-05"] → "1 to 2 November 2026, 5 November 2026". */
function dateRuns(dates: readonly string[]): string {
    const runs: DateRange[] = [];
    for (const date of dates) {
        const open = runs.at(-1);
        if (open && utc(open.endDate).getTime() + 86_400_000 === utc(date).getTime()) open.endDate = date;
        else runs.push({ startDate: date, endDate: date });
    }
    return runs.map(formatRange).join(', ');
}

/** The change against the period before, as a client reads it: never a percentage of nothing. */
function changeHtml(key: string, value: number | null | undefined, before: number | null | undefined, pairedDays?: number): string {
    if (typeof before !== 'number') return '<span class="change" data-previous="">no earlier data</span>';
    if (typeof value !== 'number') return '';
    // Over some days only (those both periods have), both sides are said: the total above covers every day.
    const versus =
        pairedDays === undefined
            ? `vs ${formatMetric(key, before)}`
            : `${plural(pairedDays, 'day')}: ${formatMetric(key, value)} vs ${formatMetric(key, before)}`;
    const span = (direction: string, text: string, withVersus: boolean) =>
        `<span class="change ${direction}" data-previous="${before}">${text}${withVersus || pairedDays !== undefined ? ` <small>${versus}</small>` : ''}</span>`;
    const direction = (delta: number) => (delta > 0 ? 'up' : delta < 0 ? 'down' : '');
    if (isRate(key)) {
        // A rate's change is told in percentage points: "+0.3 points" is what moved, "+12%" of a rate misleads.
        const points = Math.round((value - before) * 10_000) / 100;
        return span(direction(points), points === 0 ? 'no change' : `${points > 0 ? '+' : ''}${points.toFixed(2)} points`, true);
    }
    if (before === 0) return value === 0 ? span('', 'no change', true) : span('up', 'up from 0', false);
    const delta = Math.round(((value - before) / before) * 1000) / 10;
    return span(direction(delta), delta === 0 ? 'no change' : `${delta > 0 ? '+' : ''}${delta.toFixed(1)}%`, true);
}

const hasNumbers = (day: ReportDay) => Object.values(day.metrics).some((value) => typeof value === 'number');

export async function buildReport(data: ReportData, fetchImage?: ImageFetcher): Promise<string> {
    const charts: string[] = [];
    for (const [index, key] of data.metrics.entries()) {
        const points = data.days.map((day) => ({ date: day.date, value: day.metrics[key] ?? null, dataStatus: day.dataStatus }));
        const svg = dailyChartSvg(points, {
            label: metricLabel(key),
            color: COLORS[index % COLORS.length] as string,
            kind: isRate(key) ? 'rate' : 'count',
            format: (value) => formatMetric(key, value),
            statusText,
            gapText: (status) =>
                status === 'BEFORE_PIN_CREATED'
                    ? data.beforeCreated
                    : isNoDataStatus(status) || HISTORY_GAPS.has(status ?? '')
                      ? statusText(status)
                      : 'no data',
            dayText: formatDay,
        });
        charts.push(`<figure class="chart" data-metric="${escapeHtml(key)}" data-total="${data.totals[key] ?? ''}">
<figcaption><span>${escapeHtml(metricLabel(key))}</span><strong>${formatMetric(key, data.totals[key])}</strong></figcaption>
${svg}</figure>`);
    }
    const videoPins = data.videoPins?.pins ?? [];
    const images = await inlineImages(
        [...data.pins, ...videoPins].map((pin) => pin.imageUrl),
        fetchImage,
    );
    const dayCount = data.days.length;
    const counted = data.days.filter(hasNumbers);
    const notFinal = counted.filter((day) => day.dataStatus !== null && PROVISIONAL_STATUSES.has(day.dataStatus));
    // A history day a snapshot stored before it was final, and never again (Pinterest no longer had it), stays so.
    const frozen = notFinal.filter((day) => data.pinterestFrom !== undefined && day.date < data.pinterestFrom);
    const provisional = notFinal.filter((day) => !frozen.includes(day));
    const beforeCreated = data.days.filter((day) => !hasNumbers(day) && isNoDataStatus(day.dataStatus));
    const historyGaps = [...HISTORY_GAPS].flatMap((status) => {
        const dates = data.days.filter((day) => !hasNumbers(day) && day.dataStatus === status).map((day) => day.date);
        return dates.length > 0
            ? [
                  `No numbers for ${dateRuns(dates)} (${statusText(status)}): ${dates.length === 1 ? 'that day is' : 'those days are'} shaded in the charts, not drawn as zeros.`,
              ]
            : [];
    });

    // A period before the range in which none of the numbers shown existed is no comparison: it is said so once.
    const previous = data.previous && data.totalsShown.some((key) => typeof data.previous?.totals[key] === 'number') ? data.previous : undefined;
    const totals = data.totalsShown
        .map((key) => {
            const value = data.totals[key];
            const change = previous
                ? previous.currentTotals
                    ? changeHtml(key, previous.currentTotals[key], previous.totals[key], previous.pairedDays)
                    : changeHtml(key, value, previous.totals[key])
                : '';
            return `<div class="total" data-metric="${escapeHtml(key)}"><span class="label">${escapeHtml(metricLabel(key))}</span><span class="value">${formatMetric(key, value)}</span>${change}</div>`;
        })
        .join('\n');

    const pinsTable = pinTable(data.pins, data.tableMetrics, images.slice(0, data.pins.length));
    const videoTable = data.videoPins ? pinTable(videoPins, data.videoPins.metrics, images.slice(data.pins.length)) : '';

    const compareLabel = data.compareLabel ?? `the ${plural(dayCount, 'day')} before`;
    // What the numbers can be trusted for, said only about days that have numbers.
    const finality =
        counted.length === 0
            ? ''
            : provisional.length > 0
              ? `${provisional.length === 1 ? 'One day is' : `${provisional.length} days are`} not final yet and drawn as hollow points: ${provisional.map((day) => `${formatDay(day.date)} (${statusText(day.dataStatus)})`).join(', ')}. Pinterest may still change these numbers.`
              : frozen.length > 0
                ? ''
                : counted.length === dayCount
                  ? 'Every day in the range is final.'
                  : 'Every day with numbers is final.';
    const frozenNote =
        frozen.length > 0
            ? `${frozen.length === 1 ? 'One day was' : `${frozen.length} days were`} not final when a snapshot last stored ${frozen.length === 1 ? 'it' : 'them'}, and Pinterest no longer has ${frozen.length === 1 ? 'it' : 'them'}: ${frozen.map((day) => `${formatDay(day.date)} (${statusText(day.dataStatus)})`).join(', ')}, drawn as hollow points.`
            : '';
    const caveats = [
        finality,
        frozenNote,
        beforeCreated.length > 0
            ? `No numbers ${data.beforeCreated} (${dateRuns(beforeCreated.map((day) => day.date))}): ${beforeCreated.length === 1 ? 'that day is' : 'those days are'} shaded in the charts, not drawn as zeros.`
            : '',
        ...historyGaps,
        previous
            ? previous.currentTotals
                ? `Compared with ${compareLabel} (${formatRange(previous.range)}) on the ${plural(previous.pairedDays ?? 0, 'day')} both have numbers for, each day with its counterpart: the changes set those days against each other.`
                : `Compared with ${compareLabel}: ${formatRange(previous.range)}.`
            : data.previous
              ? `No comparison with ${compareLabel} (${formatRange(data.previous.range)}): Pinterest has no numbers for them.`
              : (data.previousNote ?? ''),
        ...(data.notes ?? []),
    ].filter(Boolean);
    const pageTitle = [data.title, data.title === data.kind ? undefined : data.kind, formatRange(data.range)].filter(Boolean).join(' · ');

    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(pageTitle)}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
${data.title === data.kind ? '' : `<p class="kind">${escapeHtml(data.kind)}</p>\n`}<h1>${escapeHtml(data.title)}</h1>
<p class="subject">${escapeHtml(data.subject)}</p>
<p class="range" data-start="${data.range.startDate}" data-end="${data.range.endDate}">${formatRange(data.range)} · ${plural(dayCount, 'day')}, UTC</p>
</header>
<main>
${totals ? `<section class="totals" aria-label="Totals">\n${totals}\n</section>` : '<p class="empty">No analytics for this range.</p>'}
<ul class="caveats">${caveats.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>
${charts.length > 0 ? `<section class="charts" aria-label="Daily charts">\n${charts.join('\n')}\n</section>` : ''}
${growthHtml(data)}${monthsHtml(data)}${boardsHtml(data)}<section class="pins">
<h2>${escapeHtml(data.pinsTitle)}</h2>
${data.pins.length > 0 ? pinsTable : `<p>${escapeHtml(data.pinsNote ?? 'No pins to show.')}</p>`}
</section>
${data.videoPins ? `<section class="video-pins">\n<h2>${escapeHtml(data.videoPins.title)}</h2>\n${videoTable}\n</section>\n` : ''}
</main>
<footer>Generated <time datetime="${escapeHtml(data.generatedAt)}">${escapeHtml(formatGenerated(data.generatedAt))}</time> from the Pinterest API v5 · charts drawn with d3</footer>
</body>
</html>
`;
}

/** A ranked table of pins: thumbnail, title and the numbers in `metrics` order; pins without numbers say why. */
function pinTable(pins: readonly ReportPin[], metrics: readonly string[], images: ReadonlyArray<string | undefined>): string {
    let rank = 0;
    const rows = pins
        .map((pin, index) => {
            const image = images[index];
            const thumb = image
                ? `<img src="${image}" alt="" width="56" height="56">`
                : `<span class="placeholder" aria-hidden="true">${escapeHtml((pin.title ?? '#').slice(0, 1))}</span>`;
            const title = `<td class="title"><a href="${escapeHtml(pin.url)}">${escapeHtml(pin.title || `Pin ${pin.pinId}`)}</a></td>`;
            if (pin.noData !== undefined)
                return `<tr class="no-data" data-pin-id="${escapeHtml(pin.pinId)}"><td class="num">–</td><td class="thumb">${thumb}</td>${title}<td class="note" colspan="${metrics.length}">${escapeHtml(pin.noData)}</td></tr>`;
            rank += 1;
            const cells = metrics
                .map((key) => `<td class="num" data-metric="${escapeHtml(key)}">${formatMetric(key, pin.metrics[key])}</td>`)
                .join('');
            return `<tr data-pin-id="${escapeHtml(pin.pinId)}"><td class="num">${rank}</td><td class="thumb">${thumb}</td>${title}${cells}</tr>`;
        })
        .join('\n');
    const headers = metrics.map((key) => `<th class="num" scope="col">${escapeHtml(metricLabel(key))}</th>`).join('');
    return `<div class="table-wrap"><table><thead><tr><th class="num" scope="col">#</th><th scope="col"><span class="sr">Image</span></th><th scope="col">Pin</th>${headers}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

/** Followers and monthly views over time, one chart each, from the history's snapshots. */
function growthHtml(data: ReportData): string {
    if (!data.growth?.length) return '';
    const figures = data.growth.map((series, index) => {
        const latest = series.points.at(-1);
        const svg = dailyChartSvg(
            series.points.map((point) => ({ date: point.date, value: point.value, dataStatus: 'SNAPSHOT' })),
            {
                label: metricLabel(series.key),
                color: COLORS[(index + 5) % COLORS.length] as string,
                kind: 'count',
                format: (value) => formatMetric(series.key, value),
                statusText,
                gapText: () => 'no snapshot',
                dayText: formatDay,
                isProvisional: () => false,
            },
        );
        return `<figure class="chart growth" data-metric="${escapeHtml(series.key)}" data-latest="${latest?.value ?? ''}">
<figcaption><span>${escapeHtml(metricLabel(series.key))}</span><strong>${formatMetric(series.key, latest?.value)}</strong></figcaption>
${svg}</figure>`;
    });
    const dates = [...new Set(data.growth.flatMap((series) => series.points.map((point) => point.date)))].sort();
    const first = dates[0] as string;
    const last = dates.at(-1) as string;
    const note =
        dates.length === 1
            ? `As counted by the snapshot of ${formatDay(first)}.`
            : `As counted by ${plural(dates.length, 'snapshot')} from ${formatDay(first)} to ${formatDay(last)}; the line joins the days a snapshot ran.`;
    return `<section class="growth" aria-label="Growth">
<h2>Growth</h2>
<p class="note">${escapeHtml(note)}</p>
<div class="charts">
${figures.join('\n')}
</div>
</section>
`;
}

const monthName = utcFormat('%B %Y');

/** The range month by month: the counts, the days with numbers, the counters at the month's last snapshot, the comparison. */
function monthsHtml(data: ReportData): string {
    if (!data.months?.rows.length) return '';
    const { metrics, rows, compareLabel } = data.months;
    const withCounters = rows.some((row) => row.followerCount !== null || row.monthlyViews !== null);
    const headers = [
        '<th scope="col">Month</th>',
        '<th class="num" scope="col">Days with numbers</th>',
        ...metrics.map((key) => `<th class="num" scope="col">${escapeHtml(metricLabel(key))}</th>`),
        ...(withCounters ? ['<th class="num" scope="col">Followers</th>', '<th class="num" scope="col">Monthly views</th>'] : []),
        ...(compareLabel ? [`<th class="num" scope="col">Impressions vs ${escapeHtml(compareLabel)}</th>`] : []),
    ].join('');
    const body = rows
        .map((row) => {
            const cells = [
                `<th scope="row">${escapeHtml(monthName(new Date(`${row.month}-01T00:00:00Z`)))}</th>`,
                `<td class="num" data-metric="days">${row.daysWithData} of ${row.days}</td>`,
                ...metrics.map(
                    (key) =>
                        `<td class="num" data-metric="${escapeHtml(key)}">${row.daysWithData > 0 ? formatMetric(key, row.metrics[key]) : '–'}</td>`,
                ),
                ...(withCounters
                    ? [
                          `<td class="num" data-metric="followerCount">${formatMetric('followerCount', row.followerCount)}</td>`,
                          `<td class="num" data-metric="monthlyViews">${formatMetric('monthlyViews', row.monthlyViews)}</td>`,
                      ]
                    : []),
                ...(compareLabel
                    ? [
                          `<td class="num" data-metric="compared">${row.compared ? changeHtml('impression', row.compared.current, row.compared.previous, row.compared.days === row.days ? undefined : row.compared.days) : '–'}</td>`,
                      ]
                    : []),
            ];
            return `<tr data-month="${row.month}">${cells.join('')}</tr>`;
        })
        .join('\n');
    return `<section class="months" aria-label="Month by month">
<h2>Month by month</h2>
<div class="table-wrap"><table><thead><tr>${headers}</tr></thead><tbody>
${body}
</tbody></table></div>
</section>
`;
}

/** One row per board: its pins and their totals (get-pin-analytics with groupBy "board"). */
function boardsHtml(data: ReportData): string {
    if (!data.boards?.rows.length) return '';
    const { metrics, rows } = data.boards;
    const headers = [
        '<th scope="col">Board</th>',
        '<th class="num" scope="col">Pins</th>',
        ...metrics.map((key) => `<th class="num" scope="col">${escapeHtml(metricLabel(key))}</th>`),
    ].join('');
    const body = rows
        .map(
            (row) =>
                `<tr data-board-id="${escapeHtml(row.boardId)}"><th scope="row">${escapeHtml(row.name ?? `Board ${row.boardId}`)}</th><td class="num" data-metric="pins">${row.pinsWithData === row.pins ? row.pins : `${row.pinsWithData} of ${row.pins} with numbers`}</td>${metrics.map((key) => `<td class="num" data-metric="${escapeHtml(key)}">${formatMetric(key, row.metrics[key])}</td>`).join('')}</tr>`,
        )
        .join('\n');
    return `<section class="boards" aria-label="Boards">
<h2>Boards</h2>
<div class="table-wrap"><table><thead><tr>${headers}</tr></thead><tbody>
${body}
</tbody></table></div>
</section>
`;
}

const STYLES = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #e60023; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; border-top: 6px solid var(--accent); }
h1 { margin: 0 0 4px; font-size: 1.7rem; }
.kind { margin: 0 0 2px; color: var(--accent); font-size: .8rem; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; }
.empty { margin: 22px 0 10px; font-size: 1.1rem; }
h2 { font-size: 1.2rem; margin: 28px 0 10px; }
.subject, .range { margin: 0; color: var(--muted); }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 22px 0 10px; }
.total { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; background: var(--soft); display: flex; flex-direction: column; }
.total .label { color: var(--muted); font-size: .85rem; }
.total .value { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.change { font-size: .85rem; color: var(--muted); }
.change.up { color: #1a7f37; } .change.down { color: #cf222e; }
.change small { color: var(--muted); }
.caveats { color: var(--muted); font-size: .9rem; padding-left: 18px; }
.note { color: var(--muted); font-size: .9rem; }
tbody th { text-align: left; font-weight: 600; color: var(--ink); font-size: .92rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 14px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px 4px; break-inside: avoid; }
.chart figcaption { display: flex; justify-content: space-between; align-items: baseline; font-size: .95rem; }
.chart figcaption strong { font-variant-numeric: tabular-nums; }
.chart svg { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
th { color: var(--muted); font-weight: 600; font-size: .85rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.title { min-width: 9rem; }
td.title a { color: var(--ink); text-decoration: none; } td.title a:hover { text-decoration: underline; }
td.note { color: var(--muted); font-style: italic; }
tr.no-data td.thumb { opacity: .5; }
td.thumb img, .placeholder { width: 56px; height: 56px; border-radius: 8px; object-fit: cover; display: block; }
.placeholder { background: var(--soft); color: var(--muted); display: flex; align-items: center; justify-content: center; font-weight: 600; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
footer { color: var(--muted); font-size: .8rem; padding-top: 24px; padding-bottom: 28px; }
@media (max-width: 600px) {
  header, main, footer { padding: 0 12px; }
  header { padding-top: 16px; }
  h1 { font-size: 1.35rem; }
  .total .value { font-size: 1.3rem; }
  td.thumb img, .placeholder { width: 40px; height: 40px; }
  th, td { padding: 5px 4px; }
}
@media print {
  @page { margin: 14mm; }
  body { font-size: 11pt; }
  header { border-top: none; }
  .charts { grid-template-columns: 1fr 1fr; }
  .chart, tr, .total { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  footer { padding-bottom: 0; }
}
`;
