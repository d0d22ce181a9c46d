import type { DateRange } from '../dates.js';
import type { Metrics } from '../metrics.js';
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
    metrics: Metrics;
}

export interface ReportPin {
    pinId: string;
    url: string;
    title: string | null;
    imageUrl: string | null;
    metrics: Metrics;
}

export interface ReportData {
    title: string;
    /** Who or what the numbers are about ("@plantbasedkitchen, 48 pins"). */
    subject: string;
    range: DateRange;
    generatedAt: string;
    /** Metric keys (camelCase) in the order they are shown. */
    metrics: string[];
    /** The range's days, summed over what the report covers. */
    days: ReportDay[];
    totals: Metrics;
    /** Totals of the same-length period before the range, when Pinterest still had it. */
    previous?: { range: DateRange; totals: Metrics };
    /** Why there is no comparison, when there is none. */
    previousNote?: string;
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
};
const COLORS = ['#e60023', '#0a7cff', '#1a7f37', '#8250df', '#bf8700', '#cf222e', '#0969da', '#6e7781'];

export const metricLabel = (key: string) => LABELS[key] ?? key.replace(/([A-Z0-9]+)/g, ' $1').replace(/^./, (first) => first.toUpperCase());
const isRate = (key: string) => /Rate$/.test(key);
const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
export const formatMetric = (key: string, value: number | null | undefined) =>
    value === null || value === undefined ? '–' : isRate(key) ? `${(value * 100).toFixed(2)}%` : numberFormat.format(value);

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const PROVISIONAL_STATUSES = new Set(['PROCESSING', 'ESTIMATE']);

export async function buildReport(data: ReportData, fetchImage?: ImageFetcher): Promise<string> {
    const charts: string[] = [];
    for (const [index, key] of data.metrics.entries()) {
        const points = data.days.map((day) => ({ date: day.date, value: day.metrics[key] ?? null, dataStatus: day.dataStatus }));
        const svg = dailyChartSvg(points, {
            label: metricLabel(key),
            color: COLORS[index % COLORS.length] as string,
            format: (value) => formatMetric(key, value),
        });
        charts.push(`<figure class="chart" data-metric="${escapeHtml(key)}" data-total="${data.totals[key] ?? ''}">
<figcaption><span>${escapeHtml(metricLabel(key))}</span><strong>${formatMetric(key, data.totals[key])}</strong></figcaption>
${svg}</figure>`);
    }
    const images = await inlineImages(
        data.pins.map((pin) => pin.imageUrl),
        fetchImage,
    );
    const provisional = data.days.filter((day) => day.dataStatus !== null && PROVISIONAL_STATUSES.has(day.dataStatus));
    const days = data.days.length;

    const totals = data.metrics
        .map((key) => {
            const value = data.totals[key];
            const before = data.previous?.totals[key];
            let change = '';
            if (data.previous) {
                const delta = typeof value === 'number' && typeof before === 'number' && before > 0 ? (value - before) / before : null;
                const direction = delta === null ? '' : delta > 0 ? 'up' : delta < 0 ? 'down' : '';
                const shown = delta === null ? 'no earlier data' : `${delta > 0 ? '+' : ''}${(delta * 100).toFixed(1)}%`;
                change = `<span class="change ${direction}" data-previous="${before ?? ''}">${shown} <small>vs ${formatMetric(key, before)}</small></span>`;
            }
            return `<div class="total" data-metric="${escapeHtml(key)}"><span class="label">${escapeHtml(metricLabel(key))}</span><span class="value">${formatMetric(key, value)}</span>${change}</div>`;
        })
        .join('\n');

    const rows = data.pins
        .map((pin, index) => {
            const image = images[index];
            const thumb = image
                ? `<img src="${image}" alt="" width="56" height="56">`
                : `<span class="placeholder" aria-hidden="true">${escapeHtml((pin.title ?? '#').slice(0, 1))}</span>`;
            const cells = data.tableMetrics
                .map((key) => `<td class="num" data-metric="${escapeHtml(key)}">${formatMetric(key, pin.metrics[key])}</td>`)
                .join('');
            return `<tr data-pin-id="${escapeHtml(pin.pinId)}"><td class="num">${index + 1}</td><td class="thumb">${thumb}</td><td class="title"><a href="${escapeHtml(pin.url)}">${escapeHtml(pin.title || `Pin ${pin.pinId}`)}</a></td>${cells}</tr>`;
        })
        .join('\n');
    const headers = data.tableMetrics.map((key) => `<th class="num" scope="col">${escapeHtml(metricLabel(key))}</th>`).join('');

    const caveats = [
        provisional.length > 0
            ? `${provisional.length === 1 ? 'One day is' : `${provisional.length} days are`} not final yet and drawn as hollow points: ${provisional.map((day) => `${day.date} (${day.dataStatus})`).join(', ')}. Pinterest may still change these numbers.`
            : 'Every day in the range is final (READY).',
        data.previous
            ? `Compared with the ${days} days before: ${data.previous.range.startDate} to ${data.previous.range.endDate}.`
            : (data.previousNote ?? ''),
        ...(data.notes ?? []),
    ].filter(Boolean);

    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(data.title)} · ${data.range.startDate} to ${data.range.endDate}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="subject">${escapeHtml(data.subject)}</p>
<p class="range" data-start="${data.range.startDate}" data-end="${data.range.endDate}">${data.range.startDate} to ${data.range.endDate} · ${plural(days, 'day')}, UTC</p>
</header>
<main>
<section class="totals" aria-label="Totals">
${totals}
</section>
<ul class="caveats">${caveats.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>
<section class="charts" aria-label="Daily charts">
${charts.join('\n')}
</section>
<section class="pins">
<h2>${escapeHtml(data.pinsTitle)}</h2>
${data.pins.length > 0 ? `<div class="table-wrap"><table><thead><tr><th class="num" scope="col">#</th><th scope="col"><span class="sr">Image</span></th><th scope="col">Pin</th>${headers}</tr></thead><tbody>\n${rows}\n</tbody></table></div>` : '<p>No pins to show.</p>'}
</section>
</main>
<footer>Generated ${escapeHtml(data.generatedAt)} from the Pinterest API v5 · charts drawn with d3</footer>
</body>
</html>
`;
}

const STYLES = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #e60023; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; border-top: 6px solid var(--accent); }
h1 { margin: 0 0 4px; font-size: 1.7rem; }
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
td.thumb img, .placeholder { width: 56px; height: 56px; border-radius: 8px; object-fit: cover; display: block; }
.placeholder { background: var(--soft); color: var(--muted); display: flex; align-items: center; justify-content: center; font-weight: 600; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
footer { color: var(--muted); font-size: .8rem; padding-top: 24px; padding-bottom: 28px; }
@media (max-width: 600px) {
  header, main, footer { padding: 0 12px; }
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
