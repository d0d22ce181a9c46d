/* eslint-disable @typescript-eslint/no-explicit-any -- the answers are JSON, probed field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dateOf, dayOf, MESSAGES, pinDailyMetrics, pinLifetimeMetrics } from './analytics.js';
import { analyticsSettings, startEmulator, validateResponse } from './index.js';
import type { PinterestEmulator } from './index.js';
import { seedDemoAccount, type SeededAccount } from './seed.js';

const NOW = Date.UTC(2026, 2, 18, 15, 0, 0); // a Wednesday
let clock = NOW;
let emulator: PinterestEmulator;
let account: SeededAccount;
let pinIds: string[];

async function get(path: string, query: Record<string, string>, token = account.tokens.accessToken) {
    clock += 1200; // well inside 60 a minute
    const url = new URL(`${emulator.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as Record<string, any>;
    const record = emulator.requests.at(-1);
    if (record?.operationId) expect(validateResponse(record.operationId, response.status, body)).toEqual([]);
    return { status: response.status, body, headers: response.headers };
}

const day = (offset: number) => dateOf(dayOf(NOW) + offset);

beforeAll(async () => {
    emulator = await startEmulator({ now: () => clock });
    account = seedDemoAccount(emulator, { boards: 1, pinsPerBoard: 6 });
    pinIds = emulator.state.pinRecordsOf(account.user.id).map((pin) => pin.id);
    // Pins made long ago, except the last, made five days ago.
    for (const [index, id] of pinIds.entries()) {
        const pin = emulator.state.pinRecord(id);
        if (pin) pin.createdAt = index === pinIds.length - 1 ? NOW - 5 * 86_400_000 : NOW - 400 * 86_400_000;
    }
});
afterAll(() => emulator.close());

describe('emulated pin analytics', () => {
    it('answers one pin keyed by `all`, with days, their sum as the summary, and lifetime counters apart', async () => {
        const id = pinIds[0] as string;
        const { status, body } = await get(`/pins/${id}/analytics`, {
            start_date: day(-30),
            end_date: day(-1),
            metric_types: 'IMPRESSION,SAVE,SAVE_RATE,TOTAL_COMMENTS,TOTAL_REACTIONS',
        });
        expect(status).toBe(200);
        const block = body.all;
        expect(block.daily_metrics).toHaveLength(30);
        const impressions = block.daily_metrics.map((d: any) => d.metrics.IMPRESSION);
        expect(block.summary_metrics.IMPRESSION).toBe(impressions.reduce((a: number, b: number) => a + b, 0));
        expect(block.daily_metrics[5].metrics.IMPRESSION).toBe(pinDailyMetrics(id, day(-25)).IMPRESSION);
        expect(block.summary_metrics.TOTAL_COMMENTS).toBeUndefined();
        expect(block.lifetime_metrics).toEqual(pinLifetimeMetrics(id));
        expect(block.daily_metrics.at(-1).data_status).toBe('PROCESSING');
        expect(block.daily_metrics.at(-2).data_status).toBe('ESTIMATE');
        expect(block.daily_metrics[0].data_status).toBe('READY');
    });

    it('has a weekly rhythm and quiet days', () => {
        const id = pinIds[1] as string;
        const days = Array.from({ length: 84 }, (_, i) => ({
            weekday: new Date(Date.UTC(2026, 0, 1 + i)).getUTCDay(),
            value: pinDailyMetrics(id, dateOf(dayOf(Date.UTC(2026, 0, 1)) + i)).IMPRESSION ?? 0,
        }));
        const mean = (weekday: number) =>
            days.filter((d) => d.weekday === weekday && d.value > 0).reduce((sum, d) => sum + d.value, 0) /
            days.filter((d) => d.weekday === weekday && d.value > 0).length;
        expect(mean(6)).toBeGreaterThan(mean(1));
        const quiet = pinIds
            .flatMap((pin) => Array.from({ length: 90 }, (_, i) => pinDailyMetrics(pin, day(-i - 1)).IMPRESSION))
            .filter((value) => value === 0);
        expect(quiet.length).toBeGreaterThan(0);
    });

    it('marks days before the pin existed', async () => {
        const { body } = await get(`/pins/${pinIds.at(-1)}/analytics`, { start_date: day(-10), end_date: day(-1), metric_types: 'IMPRESSION' });
        expect(body.all.daily_metrics[0]).toEqual({ date: day(-10), data_status: 'BEFORE_PIN_CREATED', metrics: { IMPRESSION: 0 } });
    });

    it('enforces the 90-day rule and the range shape', async () => {
        const old = await get(`/pins/${pinIds[0]}/analytics`, { start_date: day(-91), end_date: day(-1), metric_types: 'IMPRESSION' });
        expect(old).toMatchObject({ status: 400, body: { code: 1, message: MESSAGES.tooOld } });
        const backwards = await get('/user_account/analytics', { start_date: day(-3), end_date: day(-5) });
        expect(backwards.status).toBe(400);
        const video = await get(`/pins/${pinIds[0]}/analytics`, { start_date: day(-3), end_date: day(-1), metric_types: 'VIDEO_START' });
        expect(video).toMatchObject({ status: 400, body: { message: MESSAGES.videoOnly } });
    });

    it('answers many pins at once keyed by pin id, leaving out unknown pins and pins without data', async () => {
        const ids = [...pinIds, '999999999999999999'];
        const { status, body } = await get('/pins/analytics', {
            pin_ids: ids.join(','),
            start_date: day(-20),
            end_date: day(-8),
            metric_types: 'IMPRESSION,OUTBOUND_CLICK',
        });
        expect(status).toBe(200);
        expect(Object.keys(body).sort()).toEqual(pinIds.slice(0, -1).sort());
        const single = await get(`/pins/${pinIds[2]}/analytics`, {
            start_date: day(-20),
            end_date: day(-8),
            metric_types: 'IMPRESSION,OUTBOUND_CLICK',
        });
        expect(body[pinIds[2] as string].all).toEqual(single.body.all);
    });

    it('gives the restricted answer to apps without multi-pin access, and counts it against org_analytics', async () => {
        analyticsSettings(emulator.state).multiPinDeniedApps.add(account.app.appId);
        const { status, body, headers } = await get('/pins/analytics', {
            pin_ids: pinIds[0] as string,
            start_date: day(-3),
            end_date: day(-1),
            metric_types: 'IMPRESSION',
        });
        analyticsSettings(emulator.state).multiPinDeniedApps.clear();
        expect(status).toBe(401);
        expect(body.code).toBe(3);
        expect(headers.get('x-ratelimit-limit')).toMatch(/60;w=60/);
    });
});

describe('emulated account analytics', () => {
    it('sums the pins per day, with rates from the sums and an APP_TYPE split adding up', async () => {
        const query = { start_date: day(-14), end_date: day(-1) };
        const { body } = await get('/user_account/analytics', query);
        const days = body.all.daily_metrics;
        expect(days).toHaveLength(14);
        const first = days[0];
        const expected = pinIds.slice(0, -1).reduce((sum, id) => sum + (pinDailyMetrics(id, day(-14)).IMPRESSION ?? 0), 0);
        expect(first.metrics.IMPRESSION).toBe(expected);
        expect(body.all.summary_metrics.SAVE_RATE).toBeCloseTo(body.all.summary_metrics.SAVE / body.all.summary_metrics.IMPRESSION, 5);
        const split = await get('/user_account/analytics', { ...query, split_field: 'APP_TYPE' });
        const total = ['MOBILE', 'TABLET', 'WEB'].reduce((sum, app) => sum + split.body[app].summary_metrics.IMPRESSION, 0);
        expect(total).toBe(body.all.summary_metrics.IMPRESSION);
    });

    it('ranks top pins by the metric asked for', async () => {
        const { body } = await get('/user_account/analytics/top_pins', {
            start_date: day(-14),
            end_date: day(-1),
            sort_by: 'SAVE',
            num_of_pins: '3',
        });
        expect(body.pins).toHaveLength(3);
        const saves = body.pins.map((pin: any) => pin.metrics.SAVE);
        expect([...saves].sort((a: number, b: number) => b - a)).toEqual(saves);
        expect(body.sort_by).toBe('SAVE');
    });
});

describe('emulated top video pins', () => {
    it('ranks only video pins, with their video metrics, and refuses a sort only image pins have', async () => {
        const [videoId] = pinIds;
        const video = emulator.state.pinRecord(videoId as string);
        const before = video?.media;
        if (video) (video as { media: unknown }).media = { media_type: 'video', cover_image_url: 'https://i.pinimg.com/cover.jpg' };
        try {
            const { status, body } = await get('/user_account/analytics/top_video_pins', {
                start_date: day(-14),
                end_date: day(-1),
                sort_by: 'VIDEO_MRC_VIEW',
            });
            expect(status).toBe(200);
            expect(body.pins.map((pin: any) => pin.pin_id)).toEqual([videoId]);
            let mrc = 0;
            for (let offset = -14; offset <= -1; offset += 1) mrc += pinDailyMetrics(videoId as string, day(offset), true).VIDEO_MRC_VIEW ?? 0;
            expect(body.pins[0].metrics.VIDEO_MRC_VIEW).toBe(mrc);
            expect(Object.keys(body.pins[0].metrics)).toEqual(expect.arrayContaining(['IMPRESSION', 'VIDEO_START', 'VIDEO_AVG_WATCH_TIME']));
            const refused = await get('/user_account/analytics/top_video_pins', { start_date: day(-14), end_date: day(-1), sort_by: 'PIN_CLICK' });
            expect(refused.status).toBe(400);
        } finally {
            if (video && before) (video as { media: unknown }).media = before;
        }
    });
});

describe('emulated account counters', () => {
    it('grow day by day from the values the user was created with, monthly views from the analytics of the 30 days before', async () => {
        const user = emulator.state.getUser(account.user.id)!;
        const answer = async () => (await get('/user_account', {})).body;
        const first = await answer();
        const later = clock;
        clock += 10 * 86_400_000;
        try {
            const second = await answer();
            expect(second.follower_count).toBeGreaterThan(first.follower_count);
            expect(second.following_count).toBe(first.following_count + 1);
            const today = dayOf(clock);
            let impressions = 0;
            for (const id of pinIds) {
                const created = dayOf(emulator.state.pinRecord(id)!.createdAt);
                for (let counted = today - 30; counted < today; counted += 1)
                    if (counted >= created) impressions += pinDailyMetrics(id, dateOf(counted)).IMPRESSION ?? 0;
            }
            expect(second.monthly_views).toBe(user.monthlyViews + impressions);
            // The same day always answers the same counters.
            expect((await answer()).follower_count).toBe(second.follower_count);
        } finally {
            clock = later;
        }
    });
});
