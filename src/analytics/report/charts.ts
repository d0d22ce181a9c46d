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
    value: number | null;
    /** Pinterest's `data_status`; anything but READY is drawn hollow and named in the point's label. */
    dataStatus: string | null;
}

export interface ChartOptions {
    label: string;
    color: string;
    format: (value: number) => string;
}

const WIDTH = 560;
const HEIGHT = 170;
const MARGIN = { top: 10, right: 12, bottom: 24, left: 40 };
const AXIS_COLOR = '#57606a';
const GRID_COLOR = '#eaeef2';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const round = (value: number) => Math.round(value * 10) / 10;
const tickLabel = format('~s');
const dayLabel = utcFormat('%b %d');

export function dailyChartSvg(points: readonly ChartPoint[], options: ChartOptions): string {
    const days = points.map((point) => ({ ...point, time: new Date(`${point.date}T00:00:00Z`), y: point.value ?? 0 }));
    const first = days[0]?.time ?? new Date(0);
    const last = days.at(-1)?.time ?? first;
    const x = scaleUtc()
        .domain([first, last.getTime() === first.getTime() ? new Date(first.getTime() + 86_400_000) : last])
        .range([MARGIN.left, WIDTH - MARGIN.right]);
    const y = scaleLinear()
        .domain([0, Math.max(1, ...days.map((day) => day.y))])
        .nice(4)
        .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

    const yTicks = y.ticks(4);
    const grid = yTicks
        .map((tick) => {
            const at = round(y(tick));
            return `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}" stroke="${GRID_COLOR}"/><text x="${MARGIN.left - 6}" y="${at}" dy="0.32em" text-anchor="end">${escapeXml(tickLabel(tick))}</text>`;
        })
        .join('');
    const xTicks = x
        .ticks(Math.min(days.length, 7))
        .map((tick) => `<text x="${round(x(tick))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(dayLabel(tick))}</text>`)
        .join('');

    type Day = (typeof days)[number];
    const linePath =
        line<Day>(
            (day) => x(day.time),
            (day) => y(day.y),
        ).curve(curveMonotoneX)(days) ?? '';
    const areaPath =
        area<Day>(
            (day) => x(day.time),
            y(0),
            (day) => y(day.y),
        ).curve(curveMonotoneX)(days) ?? '';
    const marks = days
        .map((day) => {
            const provisional = day.dataStatus !== null && day.dataStatus !== 'READY';
            // Read by screen readers and by the report's test: the exact number, the day and its status.
            const label = `${day.date}: ${day.value === null ? 'no data' : options.format(day.value)} ${options.label.toLowerCase()} (${day.dataStatus ?? 'no status'})`;
            return `<circle role="graphics-symbol" aria-roledescription="point" aria-label="${escapeXml(label)}" cx="${round(x(day.time))}" cy="${round(y(day.y))}" r="3" fill="${provisional ? '#ffffff' : options.color}" stroke="${options.color}" stroke-width="1.5"><title>${escapeXml(label)}</title></circle>`;
        })
        .join('');

    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(`${options.label} per day`)}" font-size="10" fill="${AXIS_COLOR}">
<g class="grid">${grid}</g>
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y(0))}" y2="${round(y(0))}" stroke="#d0d7de"/>
<g class="x-axis">${xTicks}</g>
<path class="area" d="${areaPath}" fill="${options.color}" fill-opacity="0.12" stroke="none"/>
<path class="line" d="${linePath}" fill="none" stroke="${options.color}" stroke-width="2"/>
<g class="points">${marks}</g>
</svg>`;
}
