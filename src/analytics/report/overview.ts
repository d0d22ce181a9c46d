/**
 * The overview of a run over several accounts: one row per account with its headline numbers, the change against
 * the period compared with, the pins this Actor published in the range, and a link to the account's own report.
 * A small self-contained page (no charts), so it opens anywhere the per-account reports do.
 */

/** The metrics' keys as the rows name them (metricKey of Pinterest's IMPRESSION, SAVE, …). */
export const OVERVIEW_METRICS = ['impression', 'save', 'pinClick', 'outboundClick'] as const;
const METRIC_WORDS: Record<(typeof OVERVIEW_METRICS)[number], string> = {
    impression: 'Impressions',
    save: 'Saves',
    pinClick: 'Pin clicks',
    outboundClick: 'Outbound clicks',
};

type Totals = Readonly<Record<string, number | null | undefined>>;

export interface OverviewAccount {
    label: string;
    /** The account's name as its report shows it. */
    name?: string;
    status: 'succeeded' | 'failed';
    /** Why the account's part failed: one sentence. */
    error?: string;
    startDate?: string;
    endDate?: string;
    totals?: Totals;
    /** The compared period's totals, and the range's over the same days when they differ from `totals`. */
    previousTotals?: Totals;
    comparedTotals?: Totals;
    /** Pins this Actor published for the account in the range (the ledger's index); undefined when unknown. */
    published?: number;
    /** The record key of the account's own report. */
    reportKey?: string;
}

export interface OverviewData {
    title: string;
    generatedAt: string;
    accounts: readonly OverviewAccount[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const number = (value: number | null | undefined) => (typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : '–');

/** The change in per cent, or undefined when there is nothing to compare with. */
export function changePercent(current: number | null | undefined, before: number | null | undefined): number | undefined {
    if (typeof current !== 'number' || typeof before !== 'number' || before === 0) return undefined;
    return ((current - before) / before) * 100;
}

function changeCell(account: OverviewAccount): string {
    const before = account.previousTotals?.impression;
    const now = (account.comparedTotals ?? account.totals)?.impression;
    const change = changePercent(now, before);
    if (change === undefined) return '<td class="num change" data-change="">–</td>';
    const text = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)}%`;
    return `<td class="num change ${change >= 0 ? 'up' : 'down'}" data-change="${change.toFixed(1)}">${text}</td>`;
}

export function buildOverviewReport(data: OverviewData): string {
    const rows = data.accounts
        .map((account) => {
            const name = account.name && account.name !== account.label ? `${account.label} (${account.name})` : account.label;
            const link = account.reportKey ? `<a href="${escapeHtml(account.reportKey)}">${escapeHtml(name)}</a>` : escapeHtml(name);
            const head = `<th scope="row" class="account">${link}</th>`;
            if (account.status === 'failed') {
                return `<tr class="failed" data-account="${escapeHtml(account.label)}">${head}<td class="note" colspan="${OVERVIEW_METRICS.length + 2}">Failed: ${escapeHtml(account.error ?? 'unknown reason')}</td></tr>`;
            }
            const cells = OVERVIEW_METRICS.map((key) => `<td class="num" data-metric="${key}">${number(account.totals?.[key])}</td>`).join('');
            const published = `<td class="num" data-metric="published">${number(account.published)}</td>`;
            return `<tr data-account="${escapeHtml(account.label)}">${head}${cells}${changeCell(account)}${published}</tr>`;
        })
        .join('\n');
    const ranges = [...new Set(data.accounts.filter((a) => a.startDate).map((a) => `${a.startDate} to ${a.endDate}`))];
    const headers = OVERVIEW_METRICS.map((key) => `<th class="num" scope="col">${METRIC_WORDS[key]}</th>`).join('');
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
p.range{color:#59636e;margin:0 0 1.5rem}
table{border-collapse:collapse;width:100%}
th,td{padding:.45rem .6rem;border-bottom:1px solid #d1d9e0;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#1a7f37}.down{color:#cf222e}
tr.failed td{color:#cf222e}
footer{margin-top:2rem;color:#59636e;font-size:.85rem}
</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="range">${escapeHtml(ranges.join('; ') || 'No analytics')} · ${data.accounts.length} accounts</p>
<table class="accounts">
<thead><tr><th scope="col">Account</th>${headers}<th class="num" scope="col">Impressions vs before</th><th class="num" scope="col">Pins published</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<footer>Generated <time datetime="${escapeHtml(data.generatedAt)}">${escapeHtml(data.generatedAt.replace('T', ' ').slice(0, 16))} UTC</time> from the Pinterest API v5 · pins published: those this Actor published in the range</footer>
</body>
</html>
`;
}
