import { describe, expect, it } from 'vitest';

import {
    assignPublishTimes,
    normalizeLink,
    parseSpacing,
    SpacingOptionsError,
    spacingProblems,
    type ExistingSchedule,
    type ScheduledTime,
    type SpacingOptions,
    type SpacingPin,
} from '../../src/schedule/spacing.js';
import { parseTimeSlot } from '../../src/schedule/spacing-options.js';
import { formatInZone, formatUtc } from '../../src/schedule/time.js';
import { parseActorInput } from '../../src/modes/index.js';
import { UserInputError } from '../../src/input/parse.js';

const utc = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Unscheduled pins without links. */
const plainPins = (count: number): SpacingPin[] => Array.from({ length: count }, () => ({}));

const schedule = (
    pins: SpacingPin[],
    options: SpacingOptions & { timeZone?: string; now: number; existing?: ExistingSchedule[]; random?: () => number },
): ScheduledTime[] => assignPublishTimes(pins, { timeZone: 'UTC', existing: [], ...options });

/** publishAt as UTC text, "now" for pins that post immediately. */
const times = (results: ScheduledTime[]) => results.map((result) => (result.publishAt === undefined ? 'now' : formatUtc(result.publishAt)));

/** A deterministic stand-in for Math.random: cycles through the given values. */
const sequence = (...values: number[]) => {
    let next = 0;
    return () => values[next++ % values.length] ?? 0;
};

describe('intervalMinutes', () => {
    it('puts one pin every N minutes from startAt, as elapsed time across the spring-forward night (Europe/Berlin 2026-03-29)', () => {
        const timeZone = 'Europe/Berlin';
        const spacing = parseSpacing({ startAt: '2026-03-28T22:00', intervalMinutes: 180 }, timeZone);
        expect(spacing.ok).toBe(true);
        if (!spacing.ok) return;
        const results = schedule(plainPins(5), { ...spacing.options, timeZone, now: utc('2026-03-28T20:00:00Z') });
        expect(times(results)).toEqual([
            '2026-03-28T21:00:00Z',
            '2026-03-29T00:00:00Z',
            '2026-03-29T03:00:00Z',
            '2026-03-29T06:00:00Z',
            '2026-03-29T09:00:00Z',
        ]);
        // Three hours apart on the clock before the change, the wall clock jumps by four across it.
        expect(results.map((result) => formatInZone(result.publishAt ?? 0, timeZone))).toEqual([
            '2026-03-28 22:00 Europe/Berlin (UTC+01:00)',
            '2026-03-29 01:00 Europe/Berlin (UTC+01:00)',
            '2026-03-29 05:00 Europe/Berlin (UTC+02:00)',
            '2026-03-29 08:00 Europe/Berlin (UTC+02:00)',
            '2026-03-29 11:00 Europe/Berlin (UTC+02:00)',
        ]);
        expect(results[0]).toEqual({ publishAt: utc('2026-03-28T21:00:00Z'), slotAt: utc('2026-03-28T21:00:00Z') });
    });

    it('keeps a daily interval at 24 hours across the fall-back and spring-forward nights in America/New_York', () => {
        const timeZone = 'America/New_York';
        const fall = parseSpacing({ startAt: '2026-10-31T09:00', intervalMinutes: 1440 }, timeZone);
        if (!fall.ok) throw new Error(fall.problems.join('; '));
        const autumn = schedule(plainPins(3), { ...fall.options, timeZone, now: utc('2026-10-30T12:00:00Z') });
        // 09:00 EDT, then 08:00 EST: the interval is elapsed time; timeSlots keep the hour instead.
        expect(times(autumn)).toEqual(['2026-10-31T13:00:00Z', '2026-11-01T13:00:00Z', '2026-11-02T13:00:00Z']);

        const spring = parseSpacing({ startAt: '2027-03-13T23:00', intervalMinutes: 1440 }, timeZone);
        if (!spring.ok) throw new Error(spring.problems.join('; '));
        const results = schedule(plainPins(2), { ...spring.options, timeZone, now: utc('2027-03-13T12:00:00Z') });
        expect(times(results)).toEqual(['2027-03-14T04:00:00Z', '2027-03-15T04:00:00Z']);
        expect(formatInZone(results[1]?.publishAt ?? 0, timeZone)).toBe('2027-03-15 00:00 America/New_York (UTC-04:00)');
    });

    it('starts now without startAt: the first pin posts now', () => {
        const now = utc('2026-06-01T10:00:00Z');
        expect(times(schedule(plainPins(3), { now, intervalMinutes: 30 }))).toEqual(['now', '2026-06-01T10:30:00Z', '2026-06-01T11:00:00Z']);
    });

    it('starts from now when startAt is in the past', () => {
        const now = utc('2026-06-01T10:00:00Z');
        expect(times(schedule(plainPins(2), { now, startAt: utc('2026-05-01T00:00:00Z'), intervalMinutes: 60 }))).toEqual([
            'now',
            '2026-06-01T11:00:00Z',
        ]);
    });

    it('leaves pins with their own publishAt alone and gives the grid to the others', () => {
        const now = utc('2026-06-01T10:00:00Z');
        const pins: SpacingPin[] = [{}, { explicitPublishAt: utc('2026-06-05T12:00:00Z') }, {}, {}];
        const results = schedule(pins, { now, startAt: utc('2026-06-01T12:00:00Z'), intervalMinutes: 60 });
        expect(times(results)).toEqual(['2026-06-01T12:00:00Z', '2026-06-05T12:00:00Z', '2026-06-01T13:00:00Z', '2026-06-01T14:00:00Z']);
        expect(results[1]).toEqual({ publishAt: utc('2026-06-05T12:00:00Z') });
    });

    it('skips a grid point that an explicit time of the batch already takes', () => {
        const now = utc('2026-06-01T10:00:00Z');
        const pins: SpacingPin[] = [{}, {}, { explicitPublishAt: utc('2026-06-01T13:00:20Z') }];
        expect(times(schedule(pins, { now, startAt: utc('2026-06-01T12:00:00Z'), intervalMinutes: 60 }))).toEqual([
            '2026-06-01T12:00:00Z',
            '2026-06-01T14:00:00Z',
            '2026-06-01T13:00:20Z',
        ]);
    });
});

describe('timeSlots', () => {
    it('gives 09:00 and 20:00 in Europe/Berlin their UTC instants across the spring-forward night', () => {
        const results = schedule(plainPins(6), { timeZone: 'Europe/Berlin', now: utc('2026-03-27T12:00:00Z'), timeSlots: ['20:00', '09:00'] });
        expect(times(results)).toEqual([
            '2026-03-27T19:00:00Z', // Friday 20:00 CET
            '2026-03-28T08:00:00Z', // Saturday 09:00 CET
            '2026-03-28T19:00:00Z',
            '2026-03-29T07:00:00Z', // Sunday 09:00 CEST
            '2026-03-29T18:00:00Z',
            '2026-03-30T07:00:00Z',
        ]);
        expect(results.every((result) => result.slotAt === result.publishAt && result.movedForLink === undefined)).toBe(true);
    });

    it('keeps 09:00 across the fall-back night in America/New_York', () => {
        const results = schedule(plainPins(3), { timeZone: 'America/New_York', now: utc('2026-10-31T12:00:00Z'), timeSlots: ['9:00'] });
        expect(times(results)).toEqual(['2026-10-31T13:00:00Z', '2026-11-01T14:00:00Z', '2026-11-02T14:00:00Z']);
    });

    it('applies the gap and overlap rules to a 02:30 slot on the nights the clocks change (Europe/Berlin)', () => {
        const spring = schedule(plainPins(2), { timeZone: 'Europe/Berlin', now: utc('2026-03-28T12:00:00Z'), timeSlots: ['02:30'] });
        expect(times(spring)).toEqual(['2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z']); // 03:30 CEST, then 02:30 CEST
        const autumn = schedule(plainPins(2), { timeZone: 'Europe/Berlin', now: utc('2026-10-24T12:00:00Z'), timeSlots: ['02:30'] });
        expect(times(autumn)).toEqual(['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']); // the first 02:30 (CEST) only, then 02:30 CET
    });

    it('does not give the same instant twice when a gap folds one slot onto another', () => {
        // On 2026-03-29 both 02:30 (moved forward) and 03:30 are 01:30Z.
        const results = schedule(plainPins(3), { timeZone: 'Europe/Berlin', now: utc('2026-03-28T23:00:00Z'), timeSlots: ['02:30', '03:30'] });
        expect(times(results)).toEqual(['2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-30T01:30:00Z']);
    });

    it('starts from now when startAt is in the past', () => {
        const results = schedule(plainPins(1), {
            timeZone: 'Europe/Berlin',
            now: utc('2026-01-10T09:00:00Z'),
            startAt: utc('2026-01-01T00:00:00Z'),
            timeSlots: ['09:00'],
        });
        expect(times(results)).toEqual(['2026-01-11T08:00:00Z']);
    });

    it('takes the next slot strictly after now', () => {
        const results = schedule(plainPins(2), { timeZone: 'Europe/Berlin', now: utc('2026-01-10T08:00:00Z'), timeSlots: ['09:00'] });
        expect(times(results)).toEqual(['2026-01-11T08:00:00Z', '2026-01-12T08:00:00Z']);
    });

    it('starts at startAt when it is later than now', () => {
        const spacing = parseSpacing({ startAt: '2026-01-20 12:00', timeSlots: ['09:00', '13:30'] }, 'Europe/Berlin');
        if (!spacing.ok) throw new Error(spacing.problems.join('; '));
        const results = schedule(plainPins(3), { ...spacing.options, timeZone: 'Europe/Berlin', now: utc('2026-01-10T08:00:00Z') });
        expect(times(results)).toEqual(['2026-01-20T12:30:00Z', '2026-01-21T08:00:00Z', '2026-01-21T12:30:00Z']);
    });

    it('skips slots taken by queued pins (by their slotAt, so jitter does not hide them) and by the batch’s explicit times', () => {
        const timeZone = 'Europe/Berlin';
        const existing: ExistingSchedule[] = [
            { publishAt: utc('2026-03-27T19:07:00Z'), slotAt: utc('2026-03-27T19:00:00Z') }, // Fri 20:00, jittered by +7 min
            { publishAt: utc('2026-03-28T08:00:30Z') }, // Sat 09:00, no slotAt: its own minute counts
            { publishAt: utc('2026-03-28T13:00:00Z') }, // not a slot time: takes nothing
        ];
        const pins: SpacingPin[] = [{}, {}, { explicitPublishAt: utc('2026-03-28T19:00:00Z') }];
        const results = schedule(pins, { timeZone, now: utc('2026-03-27T12:00:00Z'), existing, timeSlots: ['09:00', '20:00'] });
        expect(times(results)).toEqual(['2026-03-29T07:00:00Z', '2026-03-29T18:00:00Z', '2026-03-28T19:00:00Z']);
    });

    it('does not count a jittered neighbour as taking the slot next to it', () => {
        // A queued pin jittered from 09:00 to 09:12 keeps slot 09:00; slot 09:30 stays free.
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-01-11T08:12:00Z'), slotAt: utc('2026-01-11T08:00:00Z') }];
        const results = schedule(plainPins(1), {
            timeZone: 'Europe/Berlin',
            now: utc('2026-01-11T06:00:00Z'),
            existing,
            timeSlots: ['09:00', '09:30'],
        });
        expect(times(results)).toEqual(['2026-01-11T08:30:00Z']);
    });
});

describe('jitterMinutes', () => {
    const now = utc('2026-06-01T10:00:00Z');
    const startAt = utc('2026-06-01T12:00:00Z');

    it('moves each spaced pin by the injected random offset within [-J, +J], and reports the unjittered slotAt', () => {
        const results = schedule(plainPins(3), { now, startAt, intervalMinutes: 60, jitterMinutes: 10, random: sequence(0, 0.5, 0.9999999) });
        expect(results).toEqual([
            { publishAt: startAt - 10 * MINUTE, slotAt: startAt },
            { publishAt: startAt + 60 * MINUTE, slotAt: startAt + 60 * MINUTE },
            { publishAt: startAt + 130 * MINUTE, slotAt: startAt + 120 * MINUTE },
        ]);
    });

    it('stays within bounds, keeps order and never goes before now, for many random draws', () => {
        let seed = 42;
        const random = () => {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
            return seed / 2_147_483_648;
        };
        const results = schedule(plainPins(200), { now, intervalMinutes: 20, jitterMinutes: 9, random });
        expect(results[0]).toEqual({}); // the first pin posts now and is not jittered
        const published = results.slice(1).map((result) => result.publishAt ?? Number.NaN);
        results.slice(1).forEach((result) => {
            expect(Math.abs((result.publishAt ?? 0) - (result.slotAt ?? 0))).toBeLessThanOrEqual(9 * MINUTE);
            expect(result.publishAt).toBeGreaterThan(now);
        });
        expect(published).toEqual([...published].sort((a, b) => a - b));
        expect(new Set(published.map((at) => (at - now) % 1000)).size).toBe(1); // whole-second offsets
    });

    it('never schedules before now', () => {
        const results = schedule(plainPins(1), { now, startAt: now + 2 * MINUTE, intervalMinutes: 60, jitterMinutes: 10, random: () => 0 });
        expect(results[0]?.publishAt).toBe(now + 1000);
    });

    it('never passes a neighbouring queued pin', () => {
        const existing: ExistingSchedule[] = [{ publishAt: startAt + 4 * MINUTE }];
        const results = schedule(plainPins(1), { now, startAt, intervalMinutes: 60, jitterMinutes: 10, existing, random: () => 0.9999999 });
        const publishAt = results[0]?.publishAt ?? 0;
        expect(publishAt).toBeGreaterThan(startAt);
        expect(publishAt).toBeLessThan(startAt + 2 * MINUTE);
    });

    it('does not apply to explicit times or to pins posting now', () => {
        const explicit = utc('2026-06-02T09:00:00Z');
        const results = schedule([{ explicitPublishAt: explicit }, {}], { now, jitterMinutes: 30, random: () => 0 });
        expect(results).toEqual([{ publishAt: explicit }, {}]);
    });

    it('jitters around slots that move in UTC across the spring-forward night, keeping slotAt on the slot', () => {
        const results = schedule(plainPins(3), {
            timeZone: 'Europe/Berlin',
            now: utc('2026-03-27T12:00:00Z'),
            timeSlots: ['09:00'],
            jitterMinutes: 20,
            random: () => 0,
        });
        expect(results.map((result) => formatUtc(result.slotAt ?? 0))).toEqual([
            '2026-03-28T08:00:00Z',
            '2026-03-29T07:00:00Z',
            '2026-03-30T07:00:00Z',
        ]);
        expect(times(results)).toEqual(['2026-03-28T07:40:00Z', '2026-03-29T06:40:00Z', '2026-03-30T06:40:00Z']);
    });

    it('never brings two pins with the same link closer than minDaysBetweenSameLink', () => {
        const pins: SpacingPin[] = [{ link: 'https://example.com/a' }, { link: 'https://example.com/a' }];
        const results = schedule(pins, { now, timeSlots: ['12:00'], jitterMinutes: 30, minDaysBetweenSameLink: 1, random: sequence(0.9999999, 0) });
        // The first would move 30 minutes later and the second 30 minutes earlier: both keep their slots instead.
        expect(times(results)).toEqual(['2026-06-01T12:00:00Z', '2026-06-02T12:00:00Z']);
    });
});

describe('minDaysBetweenSameLink', () => {
    const now = utc('2026-06-01T10:00:00Z');
    const link = 'https://example.com/recipe';

    it('moves the second pin with the same link N days after the first, and says why', () => {
        const pins: SpacingPin[] = [{ link }, { link: ' https://EXAMPLE.com/recipe#comments ' }, { link: 'https://example.com/other' }];
        const results = schedule(pins, { now, minDaysBetweenSameLink: 3 });
        expect(times(results)).toEqual(['now', '2026-06-04T10:00:00Z', 'now']);
        expect(results[1]).toEqual({
            publishAt: utc('2026-06-04T10:00:00Z'),
            slotAt: utc('2026-06-04T10:00:00Z'),
            movedForLink: true,
            note:
                'https://example.com/recipe is already scheduled or published at 2026-06-01 10:00 UTC: ' +
                'moved to 2026-06-04 10:00 UTC to keep spacing.minDaysBetweenSameLink (3 days)',
        });
        expect(results[0]?.movedForLink).toBeUndefined();
    });

    it('counts what the ledger says was published', () => {
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-05-30T08:00:00Z'), link }];
        const results = schedule([{ link }], { now, existing, minDaysBetweenSameLink: 7 });
        expect(times(results)).toEqual(['2026-06-06T08:00:00Z']);
        expect(results[0]?.movedForLink).toBe(true);
    });

    it('counts queued pins after the candidate time as well as before', () => {
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-06-03T10:00:00Z'), link }];
        expect(times(schedule([{ link }], { now, existing, minDaysBetweenSameLink: 7 }))).toEqual(['2026-06-10T10:00:00Z']);
    });

    it('allows a pin exactly N days after an occurrence, and ignores occurrences N days away or more', () => {
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-05-25T10:00:00Z'), link }];
        const results = schedule([{ link }], { now, existing, minDaysBetweenSameLink: 7 });
        expect(results).toEqual([{}]);
    });

    it('counts explicit times of the batch, which themselves never move', () => {
        const explicit = utc('2026-06-02T10:00:00Z');
        const results = schedule([{ link }, { link, explicitPublishAt: explicit }], { now, minDaysBetweenSameLink: 3 });
        expect(times(results)).toEqual(['2026-06-05T10:00:00Z', '2026-06-02T10:00:00Z']);
        expect(results[1]).toEqual({ publishAt: explicit });
    });

    it('with time slots, moves the pin to the first slot N calendar days on, and lets the next pin take the free slot (across DST)', () => {
        const timeZone = 'Europe/Berlin';
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-03-27T08:00:00Z'), link }]; // Friday 09:00 CET, published
        const pins: SpacingPin[] = [{ link }, { link: 'https://example.com/other' }];
        const results = schedule(pins, { timeZone, now: utc('2026-03-27T12:00:00Z'), existing, timeSlots: ['09:00'], minDaysBetweenSameLink: 2 });
        // Sunday 09:00 CEST is two calendar days after Friday 09:00 CET though only 47 hours later.
        expect(times(results)).toEqual(['2026-03-29T07:00:00Z', '2026-03-28T08:00:00Z']);
        expect(results[0]?.movedForLink).toBe(true);
        expect(results[0]?.note).toContain('moved to 2026-03-29 09:00 Europe/Berlin (UTC+02:00)');
        expect(results[1]?.movedForLink).toBeUndefined();
    });

    it('with time slots, counts a pin of the same link already queued for a later day', () => {
        const timeZone = 'America/New_York';
        const existing: ExistingSchedule[] = [{ publishAt: utc('2026-11-01T14:00:00Z'), slotAt: utc('2026-11-01T14:00:00Z'), link }]; // Sun 09:00 EST
        const pins: SpacingPin[] = [{ link }, {}];
        const results = schedule(pins, { timeZone, now: utc('2026-10-30T14:00:00Z'), existing, timeSlots: ['09:00'], minDaysBetweenSameLink: 3 });
        // Fri 30 Oct 09:00 EDT is past; Sat 31 Oct is within 3 days of Sun 1 Nov, so the pin goes to Wed 4 Nov 09:00 EST.
        expect(times(results)).toEqual(['2026-11-04T14:00:00Z', '2026-10-31T13:00:00Z']);
        expect(results[0]?.note).toBe(
            'https://example.com/recipe is already scheduled or published at 2026-11-01 09:00 America/New_York (UTC-05:00): ' +
                'moved to 2026-11-04 09:00 America/New_York (UTC-05:00) to keep spacing.minDaysBetweenSameLink (3 days)',
        );
    });

    it('with an interval, moves the pin to the first grid point N days on and lets the rest keep the rhythm', () => {
        const pins: SpacingPin[] = [{ link }, { link }, {}];
        const results = schedule(pins, { now, intervalMinutes: 60, minDaysBetweenSameLink: 1 });
        expect(times(results)).toEqual(['now', '2026-06-02T10:00:00Z', '2026-06-01T11:00:00Z']);
        expect(results.map((result) => result.movedForLink ?? false)).toEqual([false, true, false]);
    });

    it('jumps over several occurrences until a time respects all of them', () => {
        const existing: ExistingSchedule[] = [
            { publishAt: utc('2026-06-01T12:00:00Z'), link },
            { publishAt: utc('2026-06-04T12:00:00Z'), link },
            { publishAt: utc('2026-06-09T12:00:00Z'), link }, // the gap before this one is too short, after it is free
        ];
        expect(times(schedule([{ link }], { now, existing, minDaysBetweenSameLink: 3 }))).toEqual(['2026-06-12T12:00:00Z']);
    });

    it('places a pin in a wide enough gap between occurrences', () => {
        const existing: ExistingSchedule[] = [
            { publishAt: utc('2026-06-01T09:00:00Z'), link },
            { publishAt: utc('2026-06-20T09:00:00Z'), link },
        ];
        expect(times(schedule([{ link }], { now, existing, minDaysBetweenSameLink: 3 }))).toEqual(['2026-06-04T09:00:00Z']);
    });

    it('does nothing with 0 days or for pins without a link', () => {
        const existing: ExistingSchedule[] = [{ publishAt: now - MINUTE, link }];
        expect(schedule([{ link }, { link }], { now, existing, minDaysBetweenSameLink: 0 })).toEqual([{}, {}]);
        expect(schedule([{}, {}], { now, existing, minDaysBetweenSameLink: 5 })).toEqual([{}, {}]);
    });

    it('keeps a large batch of one link a day apart, slot after slot', () => {
        const results = schedule(
            Array.from({ length: 300 }, () => ({ link })),
            { now, timeSlots: ['09:00', '18:00'], minDaysBetweenSameLink: 1 },
        );
        const published = results.map((result) => result.publishAt ?? 0);
        for (let i = 1; i < published.length; i++) expect((published[i] ?? 0) - (published[i - 1] ?? 0)).toBe(DAY);
    });
});

describe('explicit publishAt in the past', () => {
    it('posts now (the run warns about it, in the words of the pin’s source)', () => {
        const now = utc('2026-06-01T10:00:00Z');
        expect(schedule([{ explicitPublishAt: utc('2026-05-01T10:00:00Z') }], { now })).toEqual([{}]);
    });
});

describe('normalizeLink', () => {
    it('treats case of scheme and host, fragments and surrounding spaces as the same link', () => {
        expect(normalizeLink(' HTTPS://Example.COM/Path?q=1#top ')).toBe('https://example.com/Path?q=1');
        expect(normalizeLink('https://example.com')).toBe('https://example.com/');
        expect(normalizeLink('https://example.com:443/a')).toBe('https://example.com/a');
    });

    it('keeps the path case and www, and passes other texts through trimmed', () => {
        expect(normalizeLink('https://example.com/Path')).not.toBe(normalizeLink('https://example.com/path'));
        expect(normalizeLink('https://www.example.com/a')).toBe('https://www.example.com/a');
        expect(normalizeLink('  not a url ')).toBe('not a url');
        expect(normalizeLink('   ')).toBeUndefined();
        expect(normalizeLink(undefined)).toBeUndefined();
    });
});

describe('spacingProblems / parseSpacing', () => {
    it('accepts a complete spacing and no spacing at all', () => {
        expect(
            spacingProblems(
                { startAt: '2026-12-01T09:00', timeSlots: ['09:00', '13:30', '20:00'], jitterMinutes: 10, minDaysBetweenSameLink: 7 },
                'Europe/Berlin',
            ),
        ).toEqual([]);
        expect(spacingProblems({ intervalMinutes: 10_080, jitterMinutes: 720 }, 'UTC')).toEqual([]);
        expect(spacingProblems(undefined, 'UTC')).toEqual([]);
        expect(spacingProblems({}, 'UTC')).toEqual([]);
    });

    it('returns startAt in epoch ms and notes a gap', () => {
        expect(parseSpacing({ startAt: '2026-03-29 02:30', intervalMinutes: 60 }, 'Europe/Berlin')).toEqual({
            ok: true,
            options: { startAt: utc('2026-03-29T01:30:00Z'), intervalMinutes: 60 },
            notes: [
                'spacing.startAt: 2026-03-29T02:30 does not exist in Europe/Berlin (clocks go forward): scheduled at 2026-03-29 03:30 Europe/Berlin (UTC+02:00)',
            ],
        });
    });

    it('names each field and its limit', () => {
        expect(spacingProblems({ intervalMinutes: 0 }, 'UTC')).toEqual(['spacing.intervalMinutes must be a whole number from 1 to 10080 (one week)']);
        expect(spacingProblems({ intervalMinutes: 10_081 }, 'UTC')).toEqual([
            'spacing.intervalMinutes must be a whole number from 1 to 10080 (one week)',
        ]);
        expect(spacingProblems({ intervalMinutes: 1.5 }, 'UTC')).toEqual([
            'spacing.intervalMinutes must be a whole number from 1 to 10080 (one week)',
        ]);
        expect(spacingProblems({ jitterMinutes: 721 }, 'UTC')).toEqual(['spacing.jitterMinutes must be a whole number from 0 to 720']);
        expect(spacingProblems({ minDaysBetweenSameLink: 366 }, 'UTC')).toEqual([
            'spacing.minDaysBetweenSameLink must be a whole number from 0 to 365',
        ]);
        expect(spacingProblems({ minDaysBetweenSameLink: -1 }, 'UTC')).toEqual([
            'spacing.minDaysBetweenSameLink must be a whole number from 0 to 365',
        ]);
    });

    it('keeps jitter below half the rhythm', () => {
        expect(spacingProblems({ intervalMinutes: 30, jitterMinutes: 15 }, 'UTC')).toEqual([
            'spacing.jitterMinutes must be less than half of spacing.intervalMinutes (30), so at most 14',
        ]);
        expect(spacingProblems({ intervalMinutes: 30, jitterMinutes: 14 }, 'UTC')).toEqual([]);
        expect(spacingProblems({ timeSlots: ['09:00', '09:30', '20:00'], jitterMinutes: 15 }, 'UTC')).toEqual([
            'spacing.jitterMinutes must be less than half of the smallest gap between spacing.timeSlots (30 minutes), so at most 14',
        ]);
        // The gap across midnight counts too: 23:30 to 00:10 is 40 minutes.
        expect(spacingProblems({ timeSlots: ['00:10', '23:30'], jitterMinutes: 20 }, 'UTC')).toEqual([
            'spacing.jitterMinutes must be less than half of the smallest gap between spacing.timeSlots (40 minutes), so at most 19',
        ]);
    });

    it('checks time slots', () => {
        expect(spacingProblems({ timeSlots: ['9am', '25:00'] }, 'UTC')).toEqual([
            'spacing.timeSlots entry "9am" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30, after days if you like: "Mon-Fri 09:00", "Sat,Sun 11:30"',
            'spacing.timeSlots entry "25:00" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30, after days if you like: "Mon-Fri 09:00", "Sat,Sun 11:30"',
        ]);
        expect(spacingProblems({ timeSlots: ['09:00', '9:00'] }, 'UTC')).toEqual(['spacing.timeSlots lists 9:00 twice']);
        const tooMany = Array.from({ length: 49 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 === 0 ? '00' : '30'}`);
        expect(spacingProblems({ timeSlots: tooMany }, 'UTC')).toEqual(['spacing.timeSlots may list at most 48 times, not 49']);
        expect(spacingProblems({ timeSlots: tooMany.slice(0, 48) }, 'UTC')).toEqual([]);
    });

    it('rejects an interval together with time slots, and startAt without either', () => {
        expect(spacingProblems({ intervalMinutes: 60, timeSlots: ['09:00'] }, 'UTC')).toEqual([
            'spacing.intervalMinutes and spacing.timeSlots cannot be used together: give one of them',
        ]);
        expect(spacingProblems({ startAt: '2026-12-01T09:00' }, 'UTC')).toEqual([
            'spacing.startAt needs spacing.intervalMinutes or spacing.timeSlots: to post every pin at one time, give each a publishAt',
        ]);
        expect(spacingProblems({ intervalMinutes: 60, timeSlots: [] }, 'UTC')).toEqual([]);
    });

    it('reports an unreadable startAt in the words of parsePublishAt', () => {
        expect(spacingProblems({ startAt: '2026-02-30 09:00', intervalMinutes: 60 }, 'UTC')).toEqual([
            'spacing.startAt "2026-02-30 09:00" is not a real date and time: February 2026 has 28 days',
        ]);
        expect(spacingProblems({ startAt: '2026-12-01', intervalMinutes: 60 }, 'UTC')).toEqual([
            'spacing.startAt "2026-12-01" has no time of day: add one, for example 2026-12-01T09:00',
        ]);
    });

    it('leaves the time zone to the caller but still reads a startAt with an offset', () => {
        expect(spacingProblems({ startAt: '2026-12-01T09:00', intervalMinutes: 60 }, 'Mars/Olympus')).toEqual([]);
        // What needs no zone is still checked: the input check and the run judge startAt alike.
        expect(spacingProblems({ startAt: 'soon', intervalMinutes: 60 }, 'Mars/Olympus')).toEqual([
            'spacing.startAt "soon" is not a date and time: use ISO 8601 such as 2026-12-01T09:00 (read in timeZone) or 2026-12-01T09:00:00Z',
        ]);
        expect(parseSpacing({ startAt: '2026-12-01T09:00Z', intervalMinutes: 60 }, 'Mars/Olympus')).toEqual({
            ok: true,
            options: { startAt: utc('2026-12-01T09:00:00Z'), intervalMinutes: 60 },
            notes: [],
        });
    });

    it('assignPublishTimes refuses options that spacingProblems rejects', () => {
        const now = utc('2026-06-01T10:00:00Z');
        expect(() => schedule(plainPins(1), { now, intervalMinutes: 60, timeSlots: ['09:00'] })).toThrow(SpacingOptionsError);
        expect(() => schedule(plainPins(1), { now, intervalMinutes: 0 })).toThrow('spacing.intervalMinutes must be a whole number from 1 to 10080');
        expect(() => schedule(plainPins(1), { now, timeZone: 'Mars/Olympus' })).toThrow('timeZone "Mars/Olympus" is not an IANA time zone name');
    });
});

describe('a weekly plan: time slots on named days', () => {
    it('puts "Mon-Fri 09:00", "Sat,Sun 11:30" and "20:00" on their local days across the spring-forward weekend (America/New_York)', () => {
        // Friday 6 March 2026, 07:00 EST; the clocks go forward on Sunday the 8th.
        const results = schedule(plainPins(8), {
            timeZone: 'America/New_York',
            now: utc('2026-03-06T12:00:00Z'),
            timeSlots: ['Mon-Fri 09:00', 'Sat,Sun 11:30', '20:00'],
        });
        expect(results.map((result) => formatInZone(result.publishAt!, 'America/New_York'))).toEqual([
            '2026-03-06 09:00 America/New_York (UTC-05:00)', // Friday
            '2026-03-06 20:00 America/New_York (UTC-05:00)',
            '2026-03-07 11:30 America/New_York (UTC-05:00)', // Saturday
            '2026-03-07 20:00 America/New_York (UTC-05:00)',
            '2026-03-08 11:30 America/New_York (UTC-04:00)', // Sunday, summer time
            '2026-03-08 20:00 America/New_York (UTC-04:00)',
            '2026-03-09 09:00 America/New_York (UTC-04:00)', // Monday
            '2026-03-09 20:00 America/New_York (UTC-04:00)',
        ]);
    });

    it('reads days as names of three letters or more, ranges (across the weekend too) and lists, in any case', () => {
        expect(parseTimeSlot('20:00')).toEqual({ hour: 20, minute: 0 });
        expect(parseTimeSlot('mon-fri 9:00')).toEqual({ days: [0, 1, 2, 3, 4], hour: 9, minute: 0 });
        expect(parseTimeSlot('Fri-Mon 18:00')).toEqual({ days: [0, 4, 5, 6], hour: 18, minute: 0 });
        expect(parseTimeSlot('Monday, Wed,FRIDAY 07:15')).toEqual({ days: [0, 2, 4], hour: 7, minute: 15 });
        expect(parseTimeSlot('Tues – Thurs 10:00')).toEqual({ days: [1, 2, 3], hour: 10, minute: 0 });
        expect(parseTimeSlot('Sat,Sun 11:30')).toEqual({ days: [5, 6], hour: 11, minute: 30 });
    });

    it('names the word that is not a day, and the entry that is not a slot', () => {
        expect(spacingProblems({ timeSlots: ['Mo 09:00', 'Mon-Fri-Sun 09:00', 'Mon-Fri', 'Weekdays 09:00'] }, 'UTC')).toEqual([
            'spacing.timeSlots entry "Mo 09:00": "Mo" is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun, as a range such as Mon-Fri or a list such as Sat,Sun',
            'spacing.timeSlots entry "Mon-Fri-Sun 09:00": "Mon-Fri-Sun" is not a day or a range of days: use Mon, Tue, Wed, Thu, Fri, Sat or Sun, as a range such as Mon-Fri or a list such as Sat,Sun',
            'spacing.timeSlots entry "Mon-Fri" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30, after days if you like: "Mon-Fri 09:00", "Sat,Sun 11:30"',
            'spacing.timeSlots entry "Weekdays 09:00": "Weekdays" is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun, as a range such as Mon-Fri or a list such as Sat,Sun',
        ]);
    });

    it('sees two entries meeting on one day as a slot listed twice, and measures jitter against the week', () => {
        expect(spacingProblems({ timeSlots: ['Mon-Fri 09:00', '09:00'] }, 'UTC')).toEqual([
            'spacing.timeSlots lists 09:00 on Monday twice ("Mon-Fri 09:00" and "09:00")',
        ]);
        expect(spacingProblems({ timeSlots: ['Mon-Fri 09:00', 'Sat,Sun 09:00'] }, 'UTC')).toEqual([]);
        expect(spacingProblems({ timeSlots: ['Mon 09:00', 'Mon 09:20'], jitterMinutes: 10 }, 'UTC')).toEqual([
            'spacing.jitterMinutes must be less than half of the smallest gap between spacing.timeSlots (20 minutes), so at most 9',
        ]);
        // One slot a week: a week between pins, so any jitter within its own limit is fine.
        expect(spacingProblems({ timeSlots: ['Mon 09:00'], jitterMinutes: 720 }, 'UTC')).toEqual([]);
    });
});

describe('maxPerDay', () => {
    it('caps the pins of each local day, counting the queue, across the 23-hour day of spring forward (Europe/Berlin)', () => {
        // Saturday 28 March 2026, 21:00 CET; Sunday the 29th has 23 hours. One pin is queued for Sunday 10:00 CEST.
        const queued = utc('2026-03-29T08:00:00Z');
        const results = schedule(plainPins(6), {
            timeZone: 'Europe/Berlin',
            now: utc('2026-03-28T20:00:00Z'),
            intervalMinutes: 120,
            maxPerDay: 3,
            existing: [{ publishAt: queued, slotAt: queued }],
        });
        expect(times(results)).toEqual([
            'now', // Saturday 21:00
            '2026-03-28T22:00:00Z', // Saturday 23:00 CET
            '2026-03-29T00:00:00Z', // Sunday 01:00 CET
            '2026-03-29T02:00:00Z', // Sunday 04:00 CEST: with the queued pin, Sunday's third
            '2026-03-29T22:00:00Z', // Monday 00:00 CEST, the first grid point of the next day
            '2026-03-30T00:00:00Z',
        ]);
    });

    it('moves the rest to the next day that has slots, and never moves an explicit time for the cap', () => {
        const results = schedule([{ explicitPublishAt: utc('2026-03-06T15:00:00Z') }, ...plainPins(3)], {
            timeZone: 'America/New_York',
            now: utc('2026-03-06T12:00:00Z'), // Friday 07:00 EST
            timeSlots: ['Mon-Fri 09:00', 'Mon-Fri 12:00', 'Mon-Fri 16:00'],
            maxPerDay: 2,
        });
        expect(times(results)).toEqual([
            '2026-03-06T15:00:00Z', // explicit, Friday 10:00: counts as one of Friday's two
            '2026-03-06T14:00:00Z', // Friday 09:00
            '2026-03-09T13:00:00Z', // Monday 09:00 EDT: the weekend has no slots
            '2026-03-09T16:00:00Z', // Monday 12:00 EDT
        ]);
        const explicitOnly = schedule([{ explicitPublishAt: utc('2026-06-02T09:00:00Z') }, { explicitPublishAt: utc('2026-06-02T10:00:00Z') }], {
            now: utc('2026-06-01T10:00:00Z'),
            timeSlots: ['09:00'],
            maxPerDay: 1,
        });
        expect(times(explicitOnly)).toEqual(['2026-06-02T09:00:00Z', '2026-06-02T10:00:00Z']);
    });

    it('keeps a jittered pin on the day it was counted on', () => {
        const late = { now: utc('2026-06-01T10:00:00Z'), timeSlots: ['23:00'], jitterMinutes: 120, random: () => 0.999 };
        const [capped] = schedule(plainPins(1), { ...late, maxPerDay: 1 });
        expect(capped).toMatchObject({ slotAt: utc('2026-06-01T23:00:00Z'), publishAt: utc('2026-06-01T23:59:59Z') });
        const [free] = schedule(plainPins(1), late);
        expect(free!.publishAt).toBeGreaterThan(utc('2026-06-02T00:00:00Z'));
    });

    it('needs a rhythm to move pins to, and stays within its limits', () => {
        expect(spacingProblems({ maxPerDay: 3 }, 'UTC')).toEqual([
            "spacing.maxPerDay needs spacing.timeSlots or spacing.intervalMinutes: the pins over a day's cap move to the next day's first free time",
        ]);
        expect(spacingProblems({ timeSlots: ['09:00'], maxPerDay: 0 }, 'UTC')).toEqual(['spacing.maxPerDay must be a whole number from 1 to 1000']);
        expect(spacingProblems({ timeSlots: ['09:00'], maxPerDay: 2.5 }, 'UTC')).toEqual(['spacing.maxPerDay must be a whole number from 1 to 1000']);
    });
});

describe('spacing is validated in one place', () => {
    it('the input check, parseSpacing and assignPublishTimes say the same about a bad spacing', () => {
        const bad = { intervalMinutes: 0, maxPerDay: 5000, jitterMinutes: -1 };
        const problems = spacingProblems(bad, 'UTC');
        expect(problems).toEqual([
            'spacing.intervalMinutes must be a whole number from 1 to 10080 (one week)',
            'spacing.jitterMinutes must be a whole number from 0 to 720',
            'spacing.maxPerDay must be a whole number from 1 to 1000',
        ]);
        expect(parseSpacing(bad, 'UTC')).toEqual({ ok: false, problems });
        let inputProblems: string[] = [];
        try {
            parseActorInput({ mode: 'create-pin', accessToken: 't', pins: [{}], spacing: bad });
        } catch (error) {
            if (error instanceof UserInputError) inputProblems = error.problems;
        }
        expect(inputProblems).toEqual(problems);
        expect(() => schedule(plainPins(1), { now: 0, ...bad })).toThrow(new SpacingOptionsError(problems));
    });
});
