import { format } from 'd3-format';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { area, curveMonotoneX, line } from 'd3-shape';
import { utcFormat } from 'd3-time-format';

/**
 * Daily charts as static SVG, made when the report is built: d3-scale picks the domains, nice ticks and positions,
 * d3-shape draws the line and area (monotone, so a curve never invents a peak between two days). The page needs
 * no script and no network to show them, prints crisply and scales to a phone's width. d3 rather than a full
 * grammar (Vega-Lite was tried): it adds about 1 MB to the process instead of 30 MB, and the Actor may run in 128 MB.
 */

export interface ChartPoint {
    date: string;
    /** Null on a day without numbers (the pin did not exist yet): left out of the line, never drawn as zero. */
    value: number | null;
    /** Pinterest's `data_status`; anything but READY is drawn hollow and named in the point's label. */
    dataStatus: string | null;
}

export interface ChartOptions {
    label: string;
    color: string;
    /** Counts get whole-number ticks; rates get percentages. */
    kind: 'count' | 'rate';
    format: (value: number) => string;
    /** A status in words ("final", "still updating"), for the labels. */
    statusText: (status: string | null) => string;
    /** Why a day has no numbers, in words ("before the pin was created"). */
    gapText: (status: string | null) => string;
    /** A day as people write it ("27 November 2026"). */
    dayText: (date: string) => string;
    /** Which statuses are drawn hollow (numbers that may still change); default: anything but READY. */
    isProvisional?: (status: string | null) => boolean;
}

const WIDTH = 560;
const HEIGHT = 170;
const MARGIN = { top: 10, right: 12, bottom: 24, left: 40 };
const AXIS_COLOR = '#57606a';
const GRID_COLOR = '#eaeef2';
const GAP_COLOR = '#f3f4f6';
const DAY_MS = 86_400_000;

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const round = (value: number) => Math.round(value * 10) / 10;
const dayLabel = utcFormat('%-d %b');
/** 0, 50, 2k, 1.5k: each count tick on its own (a shared prefix would write the zero as "0k"). */
const countTick = format('~s');

export function dailyChartSvg(points: readonly ChartPoint[], options: ChartOptions): string {
    const days = points.map((point) => ({ ...point, time: new Date(`${point.date}T00:00:00Z`) }));
    const first = days[0]?.time ?? new Date(0);
    const last = days.at(-1)?.time ?? first;
    const x = scaleUtc()
        .domain([first, last.getTime() === first.getTime() ? new Date(first.getTime() + DAY_MS) : last])
        .range([MARGIN.left, WIDTH - MARGIN.right]);
    const values = days.map((day) => day.value).filter((value): value is number => value !== null);
    // An empty or all-zero series still gets an axis that reads right: 0 to 1 for counts, 0% to 1% for rates.
    const top = Math.max(options.kind === 'rate' ? 0.01 : 1, ...values);
    const y = scaleLinear()
        .domain([0, top])
        .nice(4)
        .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

    // Counts are whole numbers: a tick at 0.2 would be labelled "200m" by an SI format, and means nothing anyway.
    const yTicks = options.kind === 'count' ? y.ticks(4).filter(Number.isInteger) : y.ticks(4);
    const tickFormat = options.kind === 'count' ? countTick : y.tickFormat(4, '%');
    const grid = yTicks
        .map((tick) => {
            const at = round(y(tick));
            return `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}" stroke="${GRID_COLOR}"/><text x="${MARGIN.left - 6}" y="${at}" dy="0.32em" text-anchor="end">${escapeXml(tickFormat(tick))}</text>`;
        })
        .join('');
    // A label at either end is moved just inside the drawing (about 2.8 units is half a character at this size),
    // rather than re-anchored, which would push it onto its neighbour.
    const xTicks = x
        .ticks(Math.min(days.length, 7))
        .map((tick) => {
            const text = dayLabel(tick);
            const half = text.length * 2.8;
            const at = round(Math.min(Math.max(x(tick), half + 2), WIDTH - half - 2));
            return `<text x="${at}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(text)}</text>`;
        })
        .join('');

    type Day = (typeof days)[number];
    const defined = (day: Day) => day.value !== null;
    const linePath =
        line<Day>(
            (day) => x(day.time),
            (day) => y(day.value ?? 0),
        )
            .defined(defined)
            .curve(curveMonotoneX)(days) ?? '';
    const areaPath =
        area<Day>(
            (day) => x(day.time),
            y(0),
            (day) => y(day.value ?? 0),
        )
            .defined(defined)
            .curve(curveMonotoneX)(days) ?? '';

    // Runs of days without numbers are shaded and say why, so an empty stretch never reads as a quiet one.
    const step = days.length > 1 ? (x(days[1]?.time as Date) - x(first)) / 2 : (WIDTH - MARGIN.left - MARGIN.right) / 2;
    const gaps: Array<{ from: Day; to: Day }> = [];
    for (const day of days) {
        if (day.value !== null) continue;
        const open = gaps.at(-1);
        if (open && open.to.time.getTime() + DAY_MS === day.time.getTime() && open.to.dataStatus === day.dataStatus) open.to = day;
        else gaps.push({ from: day, to: day });
    }
    const bands = gaps
        .map(({ from, to }) => {
            const left = Math.max(MARGIN.left, x(from.time) - step);
            const right = Math.min(WIDTH - MARGIN.right, x(to.time) + step);
            const why = options.gapText(from.dataStatus);
            const when = from === to ? options.dayText(from.date) : `${options.dayText(from.date)} to ${options.dayText(to.date)}`;
            const label = `${when}: no numbers (${why})`;
            // The reason written in the band when it fits (about 5.5 units a character at this size), else just "no data".
            const fits = (words: string) => right - left >= words.length * 5.5 + 12;
            const shown = fits(why) ? why : fits('no data') ? 'no data' : '';
            const text = shown ? `<text x="${round((left + right) / 2)}" y="${MARGIN.top + 12}" text-anchor="middle">${escapeXml(shown)}</text>` : '';
            return `<g class="gap" data-from="${from.date}" data-to="${to.date}" data-status="${escapeXml(from.dataStatus ?? '')}" role="graphics-symbol" aria-label="${escapeXml(label)}"><title>${escapeXml(label)}</title><rect x="${round(left)}" y="${MARGIN.top}" width="${round(right - left)}" height="${HEIGHT - MARGIN.bottom - MARGIN.top}" fill="${GAP_COLOR}"/>${text}</g>`;
        })
        .join('');

    const marks = days
        .filter(defined)
        .map((day) => {
            const value = day.value as number;
            const provisional = options.isProvisional ? options.isProvisional(day.dataStatus) : day.dataStatus !== null && day.dataStatus !== 'READY';
            // Read by screen readers and by the report's test: the exact number, the day and its status.
            const label = `${options.dayText(day.date)}: ${options.format(value)} ${options.label.toLowerCase()} (${options.statusText(day.dataStatus)})`;
            return `<circle role="graphics-symbol" aria-roledescription="point" aria-label="${escapeXml(label)}" data-date="${day.date}" data-value="${value}" data-status="${escapeXml(day.dataStatus ?? '')}" cx="${round(x(day.time))}" cy="${round(y(value))}" r="3" fill="${provisional ? '#ffffff' : options.color}" stroke="${options.color}" stroke-width="1.5"><title>${escapeXml(label)}</title></circle>`;
        })
        .join('');

    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(`${options.label} per day`)}" font-size="10" fill="${AXIS_COLOR}">
<g class="gaps">${bands}</g>
<g class="grid">${grid}</g>
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y(0))}" y2="${round(y(0))}" stroke="#d0d7de"/>
<g class="x-axis">${xTicks}</g>
<path class="area" d="${areaPath}" fill="${options.color}" fill-opacity="0.12" stroke="none"/>
<path class="line" d="${linePath}" fill="none" stroke="${options.color}" stroke-width="2"/>
<g class="points">${marks}</g>
</svg>`;
}
