import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Daily charts as static SVG, drawn by Vega-Lite (through Vega's headless SVG renderer) when the report is built:
 * the page needs no script and no network to show them, prints crisply and scales to a phone's width.
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

const FINAL = 'Final';
const PROVISIONAL = 'Still processing or estimated';

export async function dailyChartSvg(points: readonly ChartPoint[], options: ChartOptions): Promise<string> {
    const values = points.map((point) => {
        const provisional = point.dataStatus !== null && point.dataStatus !== 'READY';
        const status = point.dataStatus ?? 'no status';
        return {
            date: point.date,
            value: point.value ?? 0,
            kind: provisional ? PROVISIONAL : FINAL,
            // Read by screen readers and by the report's test: the exact number, the day and its status.
            label: `${point.date}: ${point.value === null ? 'no data' : options.format(point.value)} ${options.label.toLowerCase()} (${status})`,
        };
    });
    const x = { field: 'date', type: 'temporal', timeUnit: 'utcyearmonthdate', title: null, axis: { format: '%b %d', labelOverlap: true, grid: false } } as const;
    const y = { field: 'value', type: 'quantitative', title: null, axis: { format: '~s', tickCount: 4 } } as const;
    const spec: TopLevelSpec = {
        width: 560,
        height: 150,
        background: 'transparent',
        padding: 4,
        data: { values },
        config: { view: { stroke: null }, font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif', axis: { labelColor: '#57606a', domainColor: '#d0d7de', tickColor: '#d0d7de', gridColor: '#eaeef2' } },
        layer: [
            { mark: { type: 'area', color: options.color, opacity: 0.12, interpolate: 'monotone' }, encoding: { x, y } },
            { mark: { type: 'line', color: options.color, strokeWidth: 2, interpolate: 'monotone' }, encoding: { x, y } },
            {
                mark: { type: 'point', size: 36, strokeWidth: 1.5, opacity: 1 },
                encoding: {
                    x,
                    y,
                    description: { field: 'label' },
                    fill: { field: 'kind', type: 'nominal', scale: { domain: [FINAL, PROVISIONAL], range: [options.color, '#ffffff'] }, legend: null },
                    stroke: { value: options.color },
                },
            },
        ],
    };
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    try {
        return await view.toSVG();
    } finally {
        view.finalize();
    }
}
