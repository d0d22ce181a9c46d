import { describe, expect, it } from 'vitest';

import { previousPeriod, resolveDateRange } from '../../src/analytics/dates.js';
import { dateRangeProblems } from '../../src/analytics/input.js';
import { hasRangeData, mergeBlock, metricKey, metricTypesFor, pinListMetrics, rates } from '../../src/analytics/metrics.js';
import { type AnalyticsPin, fetchPinAnalytics, type MultiPinAccess } from '../../src/analytics/pin-analytics.js';
import { accountReportData, pinReportData } from '../../src/analytics/report-data.js';
import { dailyChartSvg } from '../../src/analytics/report/charts.js';
import { UserInputError } from '../../src/input/parse.js';
import { parseActorInput } from '../../src/modes/index.js';
import type { PinterestClient } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import { buildReport, formatGenerated, formatRange, statusText } from '../../src/analytics/report/report.js';
import { inlineImages, thumbnailUrl } from '../../src/analytics/report/thumbnails.js';

const NOW = Date.UTC(2025, 5, 15, 10, 30); // 2025-06-15

describe('date ranges', () => {
    it('defaults to the 30 days ending yesterday', () => {
        expect(resolveDateRange({}, NOW, false)).toEqual({ startDate: '2025-05-16', endDate: '2025-06-14', days: 30, warnings: [] });
        expect(resolveDateRange({ startDate: '2025-06-10' }, NOW, false)).toMatchObject({ startDate: '2025-06-10', endDate: '2025-06-14' });
        expect(resolveDateRange({ endDate: '2025-05-31' }, NOW, false)).toMatchObject({ startDate: '2025-05-02', endDate: '2025-05-31' });
    });

    it('rejects a start older than 90 days, an end in the future and an end before the start, naming the limit', () => {
        expect(() => resolveDateRange({ startDate: '2025-03-01' }, NOW, false)).toThrow(
            'startDate (2025-03-01) must be within the last 90 days, on or after 2025-03-18',
        );
        expect(() => resolveDateRange({ startDate: '2025-06-01', endDate: '2025-06-20' }, NOW, false)).toThrow(
            'must not be after today (2025-06-15, UTC)',
        );
        expect(() => resolveDateRange({ startDate: '2025-06-10', endDate: '2025-06-01' }, NOW, true)).toThrow(
            'endDate (2025-06-01) must not be before startDate (2025-06-10)',
        );
    });

    it('clamps into the window with warnings when asked', () => {
        const range = resolveDateRange({ startDate: '2025-01-01', endDate: '2025-07-01' }, NOW, true);
        expect(range).toMatchObject({ startDate: '2025-03-18', endDate: '2025-06-15', days: 90 });
        expect(range.warnings).toHaveLength(2);
        expect(() => resolveDateRange({ startDate: '2025-01-01', endDate: '2025-02-01' }, NOW, true)).toThrow('has no day within the last 90 days');
    });

    it('offers the previous period only when Pinterest still has all of it', () => {
        expect(previousPeriod({ startDate: '2025-06-01', endDate: '2025-06-14' }, NOW)).toEqual({ startDate: '2025-05-18', endDate: '2025-05-31' });
        expect(previousPeriod({ startDate: '2025-04-01', endDate: '2025-06-14' }, NOW)).toBeUndefined();
    });

    it('are checked when the input is read, before any request', () => {
        expect(dateRangeProblems({ startDate: '2025-01-01' }, () => NOW)).toEqual([expect.stringContaining('within the last 90 days')]);
        expect(dateRangeProblems({ startDate: '2025-01-01', clampDateRange: true }, () => NOW)).toEqual([]);
        expect(dateRangeProblems({ startDate: 'soon' }, () => NOW)).toEqual([]);
        expect(() => parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', startDate: '2000-01-01' })).toThrow(UserInputError);
        // Account analytics reach further back with a history (the run looks it up); never with a split the history lacks.
        expect(() => parseActorInput({ mode: 'get-account-analytics', accessToken: 't', startDate: '2000-01-01' })).not.toThrow();
        expect(() => parseActorInput({ mode: 'get-account-analytics', accessToken: 't', startDate: '2000-01-01', splitField: 'APP_TYPE' })).toThrow(
            'splitField must be NO_SPLIT here: startDate 2000-01-01 is older than the 90 days Pinterest keeps',
        );
        expect(() => parseActorInput({ mode: 'get-account-analytics', accessToken: 't', compareTo: 'previousyear', appTypes: 'web' })).toThrow(
            'appTypes must be ALL here: compareTo previousYear reaches past the 90 days Pinterest keeps',
        );
        expect(() => parseActorInput({ mode: 'get-account-analytics', accessToken: 't', startDate: '2000-01-01', endDate: '2001-06-01' })).toThrow(
            'the range may be at most 366 days long',
        );
        expect(() => parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', startDate: '2025-02-30' })).toThrow(
            'startDate must be a date that exists',
        );
        expect(() => parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', pinIds: ['12', 'abc'] })).toThrow(
            'pinIds[1] must contain digits only',
        );
        // reportTitle is one field, defined once, in both modes.
        for (const mode of ['get-pin-analytics', 'get-account-analytics']) {
            expect(parseActorInput({ mode, accessToken: 't', reportTitle: ` ${'é'.repeat(100)} ` })).toMatchObject({ reportTitle: 'é'.repeat(100) });
            expect(parseActorInput({ mode, accessToken: 't', reportTitle: '' }).reportTitle).toBeUndefined();
            expect(() => parseActorInput({ mode, accessToken: 't', reportTitle: 'x'.repeat(101) })).toThrow(
                'reportTitle must be at most 100 characters',
            );
        }
        expect(
            parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', pinIds: [813744226420795, ' 12 '], metricTypes: ['impression'] }),
        ).toMatchObject({
            pinIds: ['813744226420795', '12'],
            metricTypes: ['IMPRESSION'],
        });
    });
});

describe('metrics', () => {
    it('use the camelCase keys of get-user-pins', () => {
        expect(['IMPRESSION', 'PIN_CLICK', 'OUTBOUND_CLICK', 'QUARTILE_95_PERCENT_VIEW', 'VIDEO_10S_VIEW'].map(metricKey)).toEqual([
            'impression',
            'pinClick',
            'outboundClick',
            'quartile95PercentView',
            'video10sView',
        ]);
    });

    it('ask for video metrics for video pins only', () => {
        expect(metricTypesFor([], false)).toEqual(['IMPRESSION', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK', 'TOTAL_COMMENTS', 'TOTAL_REACTIONS']);
        expect(metricTypesFor([], true)).toContain('VIDEO_MRC_VIEW');
        expect(metricTypesFor(['IMPRESSION', 'VIDEO_START'], false)).toEqual(['IMPRESSION']);
    });

    it('keep lifetime counters next to the summary, never in place of it', () => {
        const merged = mergeBlock({
            daily_metrics: [
                { date: '2025-06-02', data_status: 'PROCESSING', metrics: { IMPRESSION: 5 } },
                { date: '2025-06-01', data_status: 'READY', metrics: { IMPRESSION: 7 } },
            ],
            summary_metrics: { IMPRESSION: 12, SAVE: 3 },
            lifetime_metrics: { TOTAL_COMMENTS: 4, TOTAL_REACTIONS: 9 },
        });
        expect(merged.summary).toEqual({ impression: 12, save: 3 });
        expect(merged.lifetime).toEqual({ totalComments: 4, totalReactions: 9 });
        expect(merged.daily.map((day) => day.date)).toEqual(['2025-06-01', '2025-06-02']);
        expect(mergeBlock(undefined)).toEqual({ summary: {}, lifetime: {}, daily: [] });
        expect(rates({ impression: 200, save: 3, pinClick: 10, outboundClick: 1 })).toEqual({
            saveRate: 0.015,
            clickThroughRate: 0.05,
            outboundClickRate: 0.005,
        });
        expect(rates({ impression: 0, save: 0 }).saveRate).toBeNull();
    });
});

describe('one metric vocabulary', () => {
    it("reads the pin lists' counters under the keys of daily analytics", () => {
        expect(pinListMetrics({ pin_click: 7, impression: 2, clickthrough: 3 })).toEqual({ pinClick: 7, impression: 2, outboundClick: 3 });
        expect(pinListMetrics({ pin_click: 7, impression: 2, clickthrough: 3, reaction: 10, comment: 2, video_start: 1 })).toEqual({
            pinClick: 7,
            impression: 2,
            outboundClick: 3,
            totalReactions: 10,
            totalComments: 2,
            videoStart: 1,
        });
        expect(pinListMetrics(undefined)).toEqual({});
    });

    it('tells a range without numbers from a quiet one', () => {
        const day = (dataStatus: string, impression: number) => ({ date: '2025-06-01', dataStatus, metrics: { impression } });
        expect(hasRangeData({ summary: {}, daily: [] })).toBe(false);
        expect(hasRangeData({ summary: { impression: 0 }, daily: [day('BEFORE_PIN_CREATED', 0), day('BEFORE_PIN_CREATED', 0)] })).toBe(false);
        expect(hasRangeData({ summary: { impression: 0 }, daily: [day('BEFORE_PIN_CREATED', 0), day('READY', 0)] })).toBe(true);
        expect(hasRangeData({ summary: { impression: 0 }, daily: [] })).toBe(true);
    });
});

describe('fetchPinAnalytics', () => {
    const pins: AnalyticsPin[] = Array.from({ length: 150 }, (_, index) => ({
        id: String(1000 + index),
        title: null,
        imageUrl: null,
        mediaType: index === 0 ? 'video' : 'image',
    }));
    const block = { all: { daily_metrics: [], summary_metrics: { IMPRESSION: 1 } } };
    const range = { startDate: '2025-06-01', endDate: '2025-06-14' };

    it('asks for up to 100 pins a request, video pins apart', async () => {
        const calls: Array<{ ids: readonly string[]; metrics: readonly string[] }> = [];
        const client = {
            getMultiPinAnalytics: async (ids: readonly string[], query: { metricTypes: readonly string[] }) => {
                calls.push({ ids, metrics: query.metricTypes });
                return Object.fromEntries(ids.map((id) => [id, block]));
            },
        } as unknown as PinterestClient;
        const rows = [];
        for await (const batch of fetchPinAnalytics(client, pins, { range, metricTypes: [] }, { closed: false }, { info: () => undefined }))
            rows.push(...batch);
        expect(calls.map((call) => call.ids.length)).toEqual([100, 49, 1]);
        expect(calls[2]?.metrics).toContain('VIDEO_START');
        expect(calls[0]?.metrics).not.toContain('VIDEO_START');
        expect(rows).toHaveLength(150);
        expect(rows[0]).toMatchObject({ fetchedWith: 'multiPin', summary: { impression: 1 } });
    });

    it('falls back to one request per pin on the restricted answer, and remembers it', async () => {
        let multiCalls = 0;
        const perPin: string[] = [];
        const client = {
            getMultiPinAnalytics: async () => {
                multiCalls += 1;
                throw new PinterestError({ kind: 'missing-scope', operation: OPERATIONS.getMultiPinAnalytics, status: 401, code: 3 });
            },
            getPinAnalytics: async (id: string) => {
                perPin.push(id);
                return block;
            },
        } as unknown as PinterestClient;
        const access: MultiPinAccess = { closed: false };
        const messages: string[] = [];
        let count = 0;
        for await (const batch of fetchPinAnalytics(client, pins, { range, metricTypes: [] }, access, { info: (message) => messages.push(message) }))
            count += batch.length;
        expect(count).toBe(150);
        expect(multiCalls).toBe(1);
        expect(perPin).toHaveLength(150);
        expect(access.closed).toBe(true);
        expect(messages).toHaveLength(1);
    });

    it('lets other errors through', async () => {
        const client = {
            getMultiPinAnalytics: async () => {
                throw new PinterestError({ kind: 'server-error', operation: OPERATIONS.getMultiPinAnalytics, status: 500 });
            },
        } as unknown as PinterestClient;
        const run = async () => {
            for await (const _batch of fetchPinAnalytics(client, pins, { range, metricTypes: [] }, { closed: false }, { info: () => undefined }))
                void _batch;
        };
        await expect(run()).rejects.toMatchObject({ kind: 'server-error' });
    });
});

describe('report', () => {
    const row = (pinId: string, title: string, impressions: number[], statuses: string[]) => ({
        type: 'pinAnalytics' as const,
        pinId,
        title,
        url: `https://www.pinterest.com/pin/${pinId}/`,
        imageUrl: null,
        mediaType: 'image',
        boardId: null,
        publishedAt: null,
        startDate: '2025-06-01',
        endDate: '2025-06-02',
        fetchedWith: 'multiPin' as const,
        hasData: true,
        note: null,
        summary: { impression: impressions.reduce((a, b) => a + b, 0), save: 1 },
        lifetime: { totalComments: 2 },
        saveRate: null,
        clickThroughRate: null,
        outboundClickRate: null,
        daily: impressions.map((impression, index) => ({
            date: `2025-06-0${index + 1}`,
            dataStatus: statuses[index] ?? null,
            metrics: { impression, save: 0 },
        })),
    });

    it('sums the pins per day and marks a day by its least final status', () => {
        const data = pinReportData({
            rows: [row('1', 'A', [10, 20], ['READY', 'READY']), row('2', 'B', [5, 1], ['READY', 'PROCESSING'])],
            range: { startDate: '2025-06-01', endDate: '2025-06-02' },
            heading: { subject: 'two pins' },
            generatedAt: '2025-06-15T00:00:00Z',
        });
        expect(data.days).toEqual([
            { date: '2025-06-01', dataStatus: 'READY', metrics: { impression: 15, save: 0 } },
            { date: '2025-06-02', dataStatus: 'PROCESSING', metrics: { impression: 21, save: 0 } },
        ]);
        expect(data.totals).toMatchObject({ impression: 36, save: 2, totalComments: 4, saveRate: 0.055556 });
        expect(data.pins.map((pin) => pin.pinId)).toEqual(['1', '2']);
        expect(data.metrics).toEqual(['impression', 'save']);
    });

    it('escapes what users wrote and loads nothing', async () => {
        const data = pinReportData({
            rows: [row('1', '<script>alert(1)</script> & "pie"', [10, 20], ['READY', 'ESTIMATE'])],
            range: { startDate: '2025-06-01', endDate: '2025-06-02' },
            heading: { subject: 'one pin' },
            generatedAt: '2025-06-15T00:00:00Z',
        });
        const html = await buildReport(data, async () => undefined);
        expect(html).not.toContain('<script');
        expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;pie&#34;');
        expect(html).toContain("default-src 'none'");
        expect(html).toContain('2 June 2025 (estimate)');
        expect(html).toMatch(/<svg [^>]*viewBox="0 0 560 170"/);
    });

    it('inlines thumbnails, asking Pinterest for the small size', async () => {
        expect(thumbnailUrl('https://i.pinimg.com/1200x/ab/cd/ef/abc.jpg')).toBe('https://i.pinimg.com/150x150/ab/cd/ef/abc.jpg');
        expect(thumbnailUrl('https://example.com/1200x/a.jpg')).toBe('https://example.com/1200x/a.jpg');
        const fetched: string[] = [];
        const images = await inlineImages(['https://a/1.png', null, 'https://a/2.png'], async (url) => {
            fetched.push(url);
            return url.endsWith('1.png') ? { contentType: 'image/png', body: Buffer.from('x') } : undefined;
        });
        expect(images).toEqual(['data:image/png;base64,eA==', undefined, undefined]);
        expect(fetched.sort()).toEqual(['https://a/1.png', 'https://a/2.png']);
    });

    it('marks days before a pin existed as without numbers, never as zeros, and keeps a day another pin had', () => {
        const young = row('2', 'Young', [0, 7], ['BEFORE_PIN_CREATED', 'READY']);
        const data = pinReportData({
            rows: [young],
            range: { startDate: '2025-06-01', endDate: '2025-06-02' },
            heading: { subject: 'one pin' },
            generatedAt: '2025-06-15T00:00:00Z',
        });
        expect(data.days).toEqual([
            { date: '2025-06-01', dataStatus: 'BEFORE_PIN_CREATED', metrics: {} },
            { date: '2025-06-02', dataStatus: 'READY', metrics: { impression: 7, save: 0 } },
        ]);
        const both = pinReportData({
            rows: [young, row('1', 'Old', [10, 20], ['READY', 'ESTIMATE'])],
            range: { startDate: '2025-06-01', endDate: '2025-06-02' },
            heading: { subject: 'two pins' },
            generatedAt: '2025-06-15T00:00:00Z',
        });
        expect(both.days.map((day) => [day.dataStatus, day.metrics.impression])).toEqual([
            ['READY', 10],
            ['ESTIMATE', 27],
        ]);
    });

    it('names the report after reportTitle, else the account, and does not repeat a name', () => {
        const base = {
            rows: [row('1', 'A', [1], ['READY'])],
            range: { startDate: '2025-06-01', endDate: '2025-06-01' },
            generatedAt: '2025-06-15T00:00:00Z',
        };
        expect(
            pinReportData({ ...base, heading: { subject: '1 pin of board Summer', account: 'Plant Kitchen', reportTitle: 'Acme' } }),
        ).toMatchObject({
            kind: 'Pin analytics',
            title: 'Acme',
            subject: '1 pin of board Summer · Plant Kitchen on Pinterest',
        });
        expect(pinReportData({ ...base, heading: { subject: '1 pin of board Summer', account: 'Plant Kitchen' } })).toMatchObject({
            title: 'Plant Kitchen',
            subject: '1 pin of board Summer',
        });
        expect(pinReportData({ ...base, heading: { subject: '1 pin' } })).toMatchObject({ title: 'Pin analytics', subject: '1 pin' });
    });

    it('writes dates and statuses as people do', () => {
        expect(formatGenerated('2026-12-04T18:05:31.123Z')).toBe('4 December 2026, 18:05 UTC');
        expect(formatRange({ startDate: '2026-11-08', endDate: '2026-11-28' })).toBe('8 to 28 November 2026');
        expect(formatRange({ startDate: '2026-11-08', endDate: '2026-12-04' })).toBe('8 November to 4 December 2026');
        expect(formatRange({ startDate: '2026-12-20', endDate: '2027-01-03' })).toBe('20 December 2026 to 3 January 2027');
        expect(formatRange({ startDate: '2026-12-20', endDate: '2026-12-20' })).toBe('20 December 2026');
        expect(['READY', 'PROCESSING', 'ESTIMATE', 'BEFORE_PIN_CREATED', 'SOMETHING_NEW'].map(statusText)).toEqual([
            'final',
            'still updating',
            'estimate',
            'before the pin was created',
            'something new',
        ]);
    });

    it('gives an all-zero series an axis from 0 to 1, not SI fractions', () => {
        const points = ['2025-06-01', '2025-06-02', '2025-06-03'].map((date) => ({ date, value: 0, dataStatus: 'READY' }));
        const options = { label: 'Saves', color: '#000', format: String, statusText, gapText: () => 'no data', dayText: (date: string) => date };
        const ticks = (svg: string) =>
            [...(/<g class="grid">(.*?)<\/g>/.exec(svg)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
        expect(ticks(dailyChartSvg(points, { ...options, kind: 'count' }))).toEqual(['0', '1']);
        expect(
            ticks(dailyChartSvg([...points.slice(0, 2), { date: '2025-06-03', value: 3, dataStatus: 'READY' }], { ...options, kind: 'count' })),
        ).toEqual(['0', '1', '2', '3']);
        expect(ticks(dailyChartSvg(points, { ...options, kind: 'rate' })).every((tick) => /^\d+(\.\d+)?%$/.test(tick ?? ''))).toBe(true);
        expect(
            ticks(
                dailyChartSvg(
                    points.map((point) => ({ ...point, value: 2500 })),
                    { ...options, kind: 'count' },
                ),
            ),
        ).toContain('0');
    });

    it('charts and totals the rates of a rate-only account report, and says when splits cannot be combined', () => {
        const day = (date: string, split: string, engagementRate: number) => ({
            type: 'accountAnalytics' as const,
            date,
            dataStatus: 'READY',
            split,
            source: 'pinterest' as const,
            storedAt: null,
            metrics: { engagementRate },
        });
        const base = {
            topPins: [],
            sortBy: 'IMPRESSION',
            range: { startDate: '2025-06-01', endDate: '2025-06-02' },
            heading: { subject: 'Whole account' },
            generatedAt: '2025-06-15T00:00:00Z',
        };
        const single = accountReportData({
            ...base,
            rows: [day('2025-06-01', 'all', 0.05), day('2025-06-02', 'all', 0.07)],
            summary: { engagementRate: 0.06 },
            metricTypes: ['ENGAGEMENT_RATE'],
        });
        expect(single).toMatchObject({ metrics: ['engagementRate'], totalsShown: ['engagementRate'], totals: { engagementRate: 0.06 }, notes: [] });
        expect(single.days.map((entry) => entry.metrics.engagementRate)).toEqual([0.05, 0.07]);
        const split = accountReportData({
            ...base,
            rows: [day('2025-06-01', 'WEB', 0.05), day('2025-06-01', 'MOBILE', 0.07)],
            summary: {},
            metricTypes: ['ENGAGEMENT_RATE'],
        });
        expect(split).toMatchObject({ metrics: [], totalsShown: [] });
        expect(split.notes?.[0]).toContain('cannot be combined');
    });
});
