import { describe, expect, it } from 'vitest';

import {
    formatInZone,
    formatLocalTime,
    formatUtc,
    isValidTimeZone,
    parsePublishAt,
    parseTimeOfDay,
    plusCalendarDays,
    resolveLocalTime,
    timeZoneProblem,
    type ParsedTime,
} from '../../src/schedule/time.js';

const utc = (iso: string) => Date.parse(iso);

/** The instant of a successful parse, as UTC text, so a failure shows the problem instead of "undefined". */
const parsedUtc = (result: ParsedTime) => (result.ok ? formatUtc(result.epochMs) : result.problem);
const problemOf = (result: ParsedTime) => (result.ok ? `parsed as ${formatUtc(result.epochMs)}` : result.problem);

describe('isValidTimeZone / timeZoneProblem', () => {
    it('accepts IANA names and UTC', () => {
        for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])
            expect(isValidTimeZone(zone), zone).toBe(true);
    });

    it('rejects unknown names, offsets, blanks and padded names', () => {
        for (const zone of ['Mars/Olympus', 'Berlin', '+02:00', '', ' Europe/Berlin', 'Europe/Berlin '])
            expect(isValidTimeZone(zone), zone).toBe(false);
        expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    });

    it('names the field and gives examples', () => {
        expect(timeZoneProblem('Mars/Olympus')).toBe(
            'timeZone "Mars/Olympus" is not an IANA time zone name: use one such as UTC, Europe/Berlin or America/New_York',
        );
        expect(timeZoneProblem('Europe/Berlin')).toBeUndefined();
    });
});

describe('zone abbreviations', () => {
    it('refuses them with the IANA zone to write, even those the runtime would take (as a zone of its own choosing)', () => {
        expect(timeZoneProblem('EST')).toBe(
            'timeZone "EST" is an abbreviation, which cannot say when summer time starts or ends: use the IANA name America/New_York (US Eastern time)',
        );
        expect(timeZoneProblem('pst')).toBe(
            'timeZone "pst" is an abbreviation, which cannot say when summer time starts or ends: use the IANA name America/Los_Angeles (US Pacific time)',
        );
        expect(timeZoneProblem('CET')).toMatch(/use the IANA name Europe\/Berlin, Europe\/Paris or another city of Central Europe$/);
        expect(timeZoneProblem('CEST')).toMatch(/use the IANA name Europe\/Berlin, /);
        // The runtime reads BST as Bangladesh and IST as India: a British or Irish user would post hours off.
        expect(timeZoneProblem('BST')).toMatch(/use the IANA name Europe\/London \(British time\)$/);
        expect(timeZoneProblem('IST')).toMatch(/Asia\/Kolkata \(India\), Europe\/Dublin \(Ireland\) or Asia\/Jerusalem \(Israel\)$/);
        expect(timeZoneProblem('XYZT')).toMatch(/is an abbreviation, .*: use the IANA name of a city in the zone, such as Europe\/Berlin/);
        for (const zone of ['EST', 'MST', 'HST', 'PST', 'CET', 'est']) expect(isValidTimeZone(zone), zone).toBe(false);
    });

    it('says that a fixed offset never follows summer time', () => {
        for (const zone of ['UTC+2', 'GMT-05:00', '+01:00'])
            expect(timeZoneProblem(zone), zone).toMatch(/is a fixed offset, which never changes for summer time: use the IANA name of a city/);
    });

    it('keeps UTC, GMT and the old IANA names of countries', () => {
        for (const zone of ['UTC', 'GMT', 'Etc/UTC', 'Japan', 'Egypt', 'EST5EDT']) expect(isValidTimeZone(zone), zone).toBe(true);
    });

    it('is refused before any request, wherever a time zone is taken', async () => {
        const { parseActorInput } = await import('../../src/modes/index.js');
        const pin = { boardId: '1', pinTitle: 'T', imageUrl: 'https://example.com/t.jpg' };
        for (const input of [
            { mode: 'create-pin', ...pin, timeZone: 'EST' },
            { mode: 'list-scheduled', timeZone: 'EST' },
            { mode: 'cancel-scheduled', cancelAll: true, timeZone: 'EST' },
        ]) {
            expect(() => parseActorInput({ accessToken: 't', ...input }), input.mode).toThrow('use the IANA name America/New_York');
        }
    });
});

describe('parsePublishAt: texts that name one instant', () => {
    it('reads Z and numeric offsets, ignoring the time zone', () => {
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00:00Z', 'Europe/Berlin'))).toBe('2026-12-01T09:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00z', 'UTC'))).toBe('2026-12-01T09:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00+02:00', 'America/New_York'))).toBe('2026-12-01T07:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00:00-0500', 'Europe/Berlin'))).toBe('2026-12-01T14:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00+05', 'UTC'))).toBe('2026-12-01T04:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00+05:30', 'UTC'))).toBe('2026-12-01T03:30:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01 09:00 +01:00', 'UTC'))).toBe('2026-12-01T08:00:00Z');
    });

    it('keeps fractions of a second', () => {
        const result = parsePublishAt('2026-12-01T09:00:00.5Z', 'UTC');
        expect(result).toEqual({ ok: true, epochMs: utc('2026-12-01T09:00:00.500Z') });
    });

    it('does not need a valid time zone when the text has an offset', () => {
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00:00Z', 'Mars/Olympus'))).toBe('2026-12-01T09:00:00Z');
    });

    it('rejects offsets no place on Earth uses', () => {
        expect(problemOf(parsePublishAt('2026-12-01T09:00+15:00', 'UTC'))).toBe(
            'publishAt "2026-12-01T09:00+15:00" has a UTC offset outside -12:00 to +14:00',
        );
        expect(problemOf(parsePublishAt('2026-12-01T09:00+02:75', 'UTC'))).toBe(
            'publishAt "2026-12-01T09:00+02:75" has a UTC offset outside -12:00 to +14:00',
        );
    });
});

describe('parsePublishAt: wall-clock texts read in the time zone', () => {
    it('reads T and space forms, with and without seconds (the CSV Publish date formats)', () => {
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00', 'Europe/Berlin'))).toBe('2026-12-01T08:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00:00', 'Europe/Berlin'))).toBe('2026-12-01T08:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01 09:00', 'Europe/Berlin'))).toBe('2026-12-01T08:00:00Z');
        expect(parsedUtc(parsePublishAt(' 2026-07-01 09:00:30 ', 'Europe/Berlin'))).toBe('2026-07-01T07:00:30Z');
        expect(parsedUtc(parsePublishAt('2026-12-01 9:05', 'America/New_York'))).toBe('2026-12-01T14:05:00Z');
        expect(parsedUtc(parsePublishAt('2026-07-01T09:00', 'America/New_York'))).toBe('2026-07-01T13:00:00Z');
        expect(parsedUtc(parsePublishAt('2026-12-01T09:00', 'UTC'))).toBe('2026-12-01T09:00:00Z');
    });

    it('has no note for an ordinary time', () => {
        expect(parsePublishAt('2026-12-01T09:00', 'Europe/Berlin')).toEqual({ ok: true, epochMs: utc('2026-12-01T08:00:00Z') });
    });

    it('moves a time in the spring-forward gap forward by the gap (Europe/Berlin 2026-03-29)', () => {
        const result = parsePublishAt('2026-03-29T02:30', 'Europe/Berlin');
        expect(result).toEqual({
            ok: true,
            epochMs: utc('2026-03-29T01:30:00Z'),
            note: '2026-03-29T02:30 does not exist in Europe/Berlin (clocks go forward): scheduled at 2026-03-29 03:30 Europe/Berlin (UTC+02:00)',
        });
        // The minutes around the gap are ordinary.
        expect(parsePublishAt('2026-03-29T01:59', 'Europe/Berlin')).toEqual({ ok: true, epochMs: utc('2026-03-29T00:59:00Z') });
        expect(parsePublishAt('2026-03-29T03:00', 'Europe/Berlin')).toEqual({ ok: true, epochMs: utc('2026-03-29T01:00:00Z') });
        expect(parsedUtc(parsePublishAt('2026-03-29T02:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00Z');
    });

    it('takes the first of the two instants in the fall-back overlap (Europe/Berlin 2026-10-25)', () => {
        const result = parsePublishAt('2026-10-25T02:30', 'Europe/Berlin');
        expect(result).toEqual({
            ok: true,
            epochMs: utc('2026-10-25T00:30:00Z'),
            note: '2026-10-25T02:30 happens twice in Europe/Berlin (clocks go back): took the first one, 2026-10-25 02:30 Europe/Berlin (UTC+02:00)',
        });
        expect(parsePublishAt('2026-10-25T01:59', 'Europe/Berlin')).toEqual({ ok: true, epochMs: utc('2026-10-24T23:59:00Z') });
        expect(parsePublishAt('2026-10-25T03:00', 'Europe/Berlin')).toEqual({ ok: true, epochMs: utc('2026-10-25T02:00:00Z') });
    });

    it('handles America/New_York: overlap 2026-11-01 01:30 is EDT, gap 2027-03-14 02:30 becomes 03:30 EDT', () => {
        const overlap = parsePublishAt('2026-11-01T01:30', 'America/New_York');
        expect(parsedUtc(overlap)).toBe('2026-11-01T05:30:00Z');
        expect(overlap.ok && overlap.note).toBe(
            '2026-11-01T01:30 happens twice in America/New_York (clocks go back): took the first one, 2026-11-01 01:30 America/New_York (UTC-04:00)',
        );
        const gap = parsePublishAt('2027-03-14 02:30', 'America/New_York');
        expect(parsedUtc(gap)).toBe('2027-03-14T07:30:00Z');
        expect(gap.ok && gap.note).toBe(
            '2027-03-14T02:30 does not exist in America/New_York (clocks go forward): scheduled at 2027-03-14 03:30 America/New_York (UTC-04:00)',
        );
    });

    it('moves by the gap length where the gap is half an hour (Australia/Lord_Howe)', () => {
        // Lord Howe goes from +10:30 to +11:00 at 02:00 local on 2026-10-04: 02:15 becomes 02:45.
        expect(parsedUtc(parsePublishAt('2026-10-04T02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:45:00Z');
    });

    it('reports an invalid time zone only when the text needs one', () => {
        expect(problemOf(parsePublishAt('2026-12-01T09:00', 'Mars/Olympus'))).toBe(
            'timeZone "Mars/Olympus" is not an IANA time zone name: use one such as UTC, Europe/Berlin or America/New_York',
        );
    });
});

describe('parsePublishAt: rejected texts', () => {
    it('rejects dates that do not exist, naming what is wrong', () => {
        expect(problemOf(parsePublishAt('2026-02-30T09:00', 'UTC'))).toBe(
            'publishAt "2026-02-30T09:00" is not a real date and time: February 2026 has 28 days',
        );
        expect(problemOf(parsePublishAt('2026-13-01 09:00', 'UTC'))).toBe(
            'publishAt "2026-13-01 09:00" is not a real date and time: the month must be 01 to 12',
        );
        expect(problemOf(parsePublishAt('2026-04-31T09:00Z', 'UTC'))).toBe(
            'publishAt "2026-04-31T09:00Z" is not a real date and time: April 2026 has 30 days',
        );
        expect(problemOf(parsePublishAt('2026-12-01T24:00', 'UTC'))).toBe(
            'publishAt "2026-12-01T24:00" is not a real date and time: the hour must be 00 to 23',
        );
        expect(problemOf(parsePublishAt('2026-12-01T09:60', 'UTC'))).toBe(
            'publishAt "2026-12-01T09:60" is not a real date and time: the minutes must be 00 to 59',
        );
        expect(problemOf(parsePublishAt('2026-12-01T09:00:61', 'UTC'))).toBe(
            'publishAt "2026-12-01T09:00:61" is not a real date and time: the seconds must be 00 to 59',
        );
        expect(problemOf(parsePublishAt('2026-00-10T09:00', 'UTC'))).toBe(
            'publishAt "2026-00-10T09:00" is not a real date and time: the month must be 01 to 12',
        );
    });

    it('accepts 29 February in a leap year only', () => {
        expect(parsedUtc(parsePublishAt('2028-02-29T09:00', 'UTC'))).toBe('2028-02-29T09:00:00Z');
        expect(problemOf(parsePublishAt('2027-02-29T09:00', 'UTC'))).toBe(
            'publishAt "2027-02-29T09:00" is not a real date and time: February 2027 has 28 days',
        );
    });

    it('rejects a bare date instead of guessing midnight', () => {
        expect(problemOf(parsePublishAt('2026-12-01', 'Europe/Berlin'))).toBe(
            'publishAt "2026-12-01" has no time of day: add one, for example 2026-12-01T09:00',
        );
    });

    it('rejects other shapes with an example, naming the given field', () => {
        expect(problemOf(parsePublishAt('tomorrow 9am', 'Europe/Berlin', 'pins[2].publishAt'))).toBe(
            'pins[2].publishAt "tomorrow 9am" is not a date and time: use ISO 8601 such as 2026-12-01T09:00 (read in Europe/Berlin) or 2026-12-01T09:00:00Z',
        );
        for (const text of ['12/01/2026 09:00', '2026-12-1T09:00', '2026-12-01T0900', '2026-12-01T09', '1796025600000', '2026-W49-2T09:00']) {
            expect(problemOf(parsePublishAt(text, 'UTC')), text).toMatch(/^publishAt ".*" is not a date and time: use ISO 8601/);
        }
    });

    it('rejects a blank text and keeps long texts out of the message', () => {
        expect(problemOf(parsePublishAt('   ', 'UTC'))).toBe('publishAt is empty: give a date and time such as 2026-12-01T09:00');
        const problem = problemOf(parsePublishAt('x'.repeat(500), 'UTC'));
        expect(problem.length).toBeLessThan(200);
    });
});

describe('parseTimeOfDay', () => {
    it('reads HH:mm and H:mm', () => {
        expect(parseTimeOfDay('09:00')).toEqual({ hour: 9, minute: 0 });
        expect(parseTimeOfDay('9:00')).toEqual({ hour: 9, minute: 0 });
        expect(parseTimeOfDay(' 13:30 ')).toEqual({ hour: 13, minute: 30 });
        expect(parseTimeOfDay('00:00')).toEqual({ hour: 0, minute: 0 });
        expect(parseTimeOfDay('23:59')).toEqual({ hour: 23, minute: 59 });
    });

    it('rejects anything else', () => {
        for (const text of ['24:00', '12:60', '9', '9am', '09:00:00', '0900', '', '-1:00', '123:00'])
            expect(parseTimeOfDay(text), text).toBeUndefined();
    });
});

describe('formatting', () => {
    it('formatUtc writes ISO 8601 with Z to the second, dropping milliseconds', () => {
        expect(formatUtc(utc('2026-12-01T09:00:00Z'))).toBe('2026-12-01T09:00:00Z');
        expect(formatUtc(utc('2026-12-01T09:00:59.999Z'))).toBe('2026-12-01T09:00:59Z');
    });

    it('formatInZone shows the wall clock, the zone and its offset at that instant', () => {
        expect(formatInZone(utc('2026-01-15T08:00:00Z'), 'Europe/Berlin')).toBe('2026-01-15 09:00 Europe/Berlin (UTC+01:00)');
        expect(formatInZone(utc('2026-07-15T07:00:00Z'), 'Europe/Berlin')).toBe('2026-07-15 09:00 Europe/Berlin (UTC+02:00)');
        expect(formatInZone(utc('2026-07-15T13:00:30Z'), 'America/New_York')).toBe('2026-07-15 09:00:30 America/New_York (UTC-04:00)');
        expect(formatInZone(utc('2026-07-15T09:00:00Z'), 'UTC')).toBe('2026-07-15 09:00 UTC');
    });

    it('formatLocalTime shows the wall clock and the zone, the publishAtLocal of the rows', () => {
        expect(formatLocalTime(utc('2026-12-04T14:00:00Z'), 'America/New_York')).toBe('2026-12-04 09:00 America/New_York');
        expect(formatLocalTime(utc('2026-07-04T13:00:00Z'), 'America/New_York')).toBe('2026-07-04 09:00 America/New_York');
        expect(formatLocalTime(utc('2026-03-29T00:30:15Z'), 'Europe/Berlin')).toBe('2026-03-29 01:30:15 Europe/Berlin');
        expect(formatLocalTime(utc('2026-12-31T23:00:00Z'), 'UTC')).toBe('2026-12-31 23:00 UTC');
        expect(formatLocalTime(utc('2026-12-31T23:00:00Z'), 'Etc/GMT')).toBe('2026-12-31 23:00 UTC');
        // Midnight is 00, not 24.
        expect(formatLocalTime(utc('2026-06-01T22:00:00Z'), 'Europe/Berlin')).toBe('2026-06-02 00:00 Europe/Berlin');
    });
});

describe('resolveLocalTime / plusCalendarDays', () => {
    it('says which rule applied', () => {
        expect(resolveLocalTime({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')).toEqual({
            epochMs: utc('2026-03-29T01:30:00Z'),
            kind: 'gap',
        });
        expect(resolveLocalTime({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin')).toEqual({
            epochMs: utc('2026-10-25T00:30:00Z'),
            kind: 'overlap',
        });
        expect(resolveLocalTime({ year: 2026, month: 6, day: 1, hour: 9, minute: 0 }, 'Europe/Berlin')).toEqual({
            epochMs: utc('2026-06-01T07:00:00Z'),
            kind: 'exact',
        });
        expect(resolveLocalTime({ year: 2026, month: 2, day: 30, hour: 9, minute: 0 }, 'Europe/Berlin')).toBeUndefined();
    });

    it('keeps the wall-clock time across a change of clocks (a 23-hour and a 25-hour day)', () => {
        expect(formatUtc(plusCalendarDays(utc('2026-03-28T08:00:00Z'), 1, 'Europe/Berlin'))).toBe('2026-03-29T07:00:00Z');
        expect(formatUtc(plusCalendarDays(utc('2026-10-24T07:00:00Z'), 1, 'Europe/Berlin'))).toBe('2026-10-25T08:00:00Z');
        expect(formatUtc(plusCalendarDays(utc('2026-03-29T07:00:00Z'), -1, 'Europe/Berlin'))).toBe('2026-03-28T08:00:00Z');
        expect(formatUtc(plusCalendarDays(utc('2026-03-28T08:00:00Z'), 7, 'UTC'))).toBe('2026-04-04T08:00:00Z');
    });

    it('applies the gap rule when the day lands in a gap', () => {
        // 02:30 CET on 28 March, one day later, is 02:30 on the spring-forward night: 03:30 CEST.
        expect(formatUtc(plusCalendarDays(utc('2026-03-28T01:30:00Z'), 1, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00Z');
    });
});
