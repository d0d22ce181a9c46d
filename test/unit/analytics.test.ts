import { describe, expect, it } from 'vitest';

import { previousPeriod, resolveDateRange } from '../../src/analytics/dates.js';
import { dateRangeProblems } from '../../src/analytics/input.js';
import { mergeBlock, metricKey, metricTypesFor, rates } from '../../src/analytics/metrics.js';
import { type AnalyticsPin, fetchPinAnalytics, type MultiPinAccess } from '../../src/analytics/pin-analytics.js';
import { pinReportData } from '../../src/analytics/report-data.js';
import { UserInputError } from '../../src/input/parse.js';
import { parseActorInput } from '../../src/modes/index.js';
import type { PinterestClient } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';
import { buildReport } from '../../src/analytics/report/report.js';
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
        expect(() => parseActorInput({ mode: 'get-account-analytics', accessToken: 't', startDate: '2000-01-01' })).toThrow(UserInputError);
        expect(() => parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', startDate: '2025-02-30' })).toThrow(
            'startDate must be a date that exists',
        );
        expect(() => parseActorInput({ mode: 'get-pin-analytics', accessToken: 't', pinIds: ['12', 'abc'] })).toThrow(
            'pinIds[1] must contain digits only',
        );
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
        startDate: '2025-06-01',
        endDate: '2025-06-02',
        fetchedWith: 'multiPin' as const,
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
            subject: 'two pins',
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
            subject: 'one pin',
            generatedAt: '2025-06-15T00:00:00Z',
        });
        const html = await buildReport(data, async () => undefined);
        expect(html).not.toContain('<script');
        expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;pie&#34;');
        expect(html).toContain("default-src 'none'");
        expect(html).toContain('2025-06-02 (ESTIMATE)');
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
});
