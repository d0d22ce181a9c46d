/**
 * Reading the times users type, without any time-zone data: syntax, calendar and offset checks, and UTC
 * formatting. Input validation runs on every start-up, so it stays free of the time-zone library; placing a
 * wall-clock time in a zone is `time.ts`'s job, loaded only by runs that schedule.
 */

export const DEFAULT_TIME_ZONE = 'UTC';

/** Latest and earliest UTC offsets in use anywhere (Line Islands, Baker Island), in minutes. */
const MAX_OFFSET_MINUTES = 14 * 60;
const MIN_OFFSET_MINUTES = -12 * 60;

/** A wall-clock date and time in some time zone, without the zone. */
export interface LocalDateTime {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second?: number;
    millisecond?: number;
}

export type ParsedTime = { ok: true; epochMs: number; note?: string } | { ok: false; problem: string };

/** A date-time text read as far as it can be without zone data: an instant (it had an offset) or a wall-clock time. */
export type DateTimeText =
    | { ok: true; local: LocalDateTime; offsetMinutes: number }
    | { ok: true; local: LocalDateTime; offsetMinutes?: undefined }
    | { ok: false; problem: string };

/**
 * Zone abbreviations people write, and the IANA zones they mean. The runtime accepts some of them (EST, PST, CET,
 * BST, IST, JST) as links to one zone of its choosing: EST is fixed UTC-5 (an hour off New York all summer), BST is
 * Bangladesh, IST is India. So every abbreviation is refused with the zone to write instead, rather than guessed at.
 */
const ABBREVIATIONS: Record<string, string> = {
    EST: 'America/New_York (US Eastern time)',
    EDT: 'America/New_York (US Eastern time)',
    ET: 'America/New_York (US Eastern time)',
    CST: 'America/Chicago (US Central time) or Asia/Shanghai (China)',
    CDT: 'America/Chicago (US Central time)',
    CT: 'America/Chicago (US Central time)',
    MST: 'America/Denver (US Mountain time) or America/Phoenix (Arizona, no summer time)',
    MDT: 'America/Denver (US Mountain time)',
    MT: 'America/Denver (US Mountain time)',
    PST: 'America/Los_Angeles (US Pacific time)',
    PDT: 'America/Los_Angeles (US Pacific time)',
    PT: 'America/Los_Angeles (US Pacific time)',
    AKST: 'America/Anchorage',
    AKDT: 'America/Anchorage',
    HST: 'Pacific/Honolulu',
    AST: 'America/Halifax (Atlantic time) or Asia/Riyadh (Arabia)',
    NST: 'America/St_Johns',
    BST: 'Europe/London (British time)',
    WET: 'Europe/Lisbon',
    WEST: 'Europe/Lisbon',
    CET: 'Europe/Berlin, Europe/Paris or another city of Central Europe',
    CEST: 'Europe/Berlin, Europe/Paris or another city of Central Europe',
    MET: 'Europe/Berlin, Europe/Paris or another city of Central Europe',
    MEST: 'Europe/Berlin, Europe/Paris or another city of Central Europe',
    EET: 'Europe/Athens, Europe/Helsinki or another city of Eastern Europe',
    EEST: 'Europe/Athens, Europe/Helsinki or another city of Eastern Europe',
    MSK: 'Europe/Moscow',
    IST: 'Asia/Kolkata (India), Europe/Dublin (Ireland) or Asia/Jerusalem (Israel)',
    PKT: 'Asia/Karachi',
    GST: 'Asia/Dubai',
    ICT: 'Asia/Bangkok',
    WIB: 'Asia/Jakarta',
    PHT: 'Asia/Manila',
    SGT: 'Asia/Singapore',
    HKT: 'Asia/Hong_Kong',
    JST: 'Asia/Tokyo',
    KST: 'Asia/Seoul',
    AEST: 'Australia/Sydney',
    AEDT: 'Australia/Sydney',
    ACST: 'Australia/Adelaide',
    ACDT: 'Australia/Adelaide',
    AWST: 'Australia/Perth',
    NZST: 'Pacific/Auckland',
    NZDT: 'Pacific/Auckland',
    BRT: 'America/Sao_Paulo',
    ART: 'America/Argentina/Buenos_Aires',
    WAT: 'Africa/Lagos',
    CAT: 'Africa/Maputo',
    EAT: 'Africa/Nairobi',
    SAST: 'Africa/Johannesburg',
};

/** UTC under its names, the zones without any clock change that no abbreviation rule stands between. */
const UTC_NAMES = /^(UTC|GMT|UCT|Zulu|Universal)$/i;

/**
 * A zone written as an abbreviation (EST, cest) rather than a place: two to five capitals, or a known abbreviation
 * in any case. Old IANA names of countries (Japan, Egypt) are not capitals only and stay valid.
 */
const isAbbreviation = (zone: string) =>
    /^[A-Za-z]{2,5}$/.test(zone) && !UTC_NAMES.test(zone) && (/^[A-Z]+$/.test(zone) || zone.toUpperCase() in ABBREVIATIONS);

/** True for IANA names such as `Europe/Berlin`, `America/New_York` or `UTC` (case as the tz database or not). */
export function isValidTimeZone(zone: string): boolean {
    if (typeof zone !== 'string' || zone === '' || zone.trim() !== zone || isAbbreviation(zone)) return false;
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

/** One sentence naming the field when `zone` is not an IANA time zone name, otherwise undefined. */
export function timeZoneProblem(zone: string, field = 'timeZone'): string | undefined {
    if (isValidTimeZone(zone)) return undefined;
    const shown = shorten(String(zone));
    if (typeof zone === 'string' && isAbbreviation(zone.trim())) {
        const meant = ABBREVIATIONS[zone.trim().toUpperCase()];
        return meant
            ? `${field} "${shown}" is an abbreviation, which cannot say when summer time starts or ends: use the IANA name ${meant}`
            : `${field} "${shown}" is an abbreviation, which cannot say when summer time starts or ends: use the IANA name of a city in the zone, such as Europe/Berlin or America/New_York`;
    }
    if (typeof zone === 'string' && /^(UTC|GMT)?\s*[+-]\d{1,2}(:?\d{2})?$/i.test(zone.trim())) {
        return `${field} "${shown}" is a fixed offset, which never changes for summer time: use the IANA name of a city in the zone, such as Europe/Berlin or America/New_York (or write the offset into each time: 2026-12-01T09:00+02:00)`;
    }
    return `${field} "${shown}" is not an IANA time zone name: use one such as UTC, Europe/Berlin or America/New_York`;
}

/**
 * What a scheduler user typed:
 * `YYYY-MM-DD`, then `T` or a space, then `HH:mm`, optional `:ss` and fraction, optional `Z` or `±HH:mm` / `±HHmm` / `±HH`.
 * The space form is what Pinterest's bulk-upload CSV `Publish date` column and spreadsheets produce.
 */
const DATE_TIME_PATTERN =
    /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Reads a `publishAt`-style text: every check that needs no zone data (format, a real calendar date, an offset in
 * range, a time of day present). A bare date (`2026-12-01`) is rejected rather than read as midnight: a pin posted
 * at 00:00 is rarely what the user meant, and the fix (add a time) is one edit.
 */
export function readDateTimeText(text: string, timeZone: string, field = 'publishAt'): DateTimeText {
    const trimmedText = typeof text === 'string' ? text.trim() : '';
    const shown = shorten(trimmedText);
    if (trimmedText === '') return { ok: false, problem: `${field} is empty: give a date and time such as 2026-12-01T09:00` };
    const match = DATE_TIME_PATTERN.exec(trimmedText);
    const example = `use ISO 8601 such as 2026-12-01T09:00 (read in ${isValidTimeZone(timeZone) ? timeZone : 'timeZone'}) or 2026-12-01T09:00:00Z`;
    if (!match) return { ok: false, problem: `${field} "${shown}" is not a date and time: ${example}` };

    const [, yearText, monthText, dayText, hourText, minuteText, secondText, fractionText, zulu, sign, offsetHours, offsetMinutes] = match;
    if (hourText === undefined || minuteText === undefined) {
        return { ok: false, problem: `${field} "${shown}" has no time of day: add one, for example ${yearText}-${monthText}-${dayText}T09:00` };
    }
    const local: LocalDateTime = {
        year: Number(yearText),
        month: Number(monthText),
        day: Number(dayText),
        hour: Number(hourText),
        minute: Number(minuteText),
        second: Number(secondText ?? 0),
        millisecond: Number((fractionText ?? '').padEnd(3, '0').slice(0, 3)),
    };
    const calendarProblem = describeUnrealDate(local);
    if (calendarProblem) return { ok: false, problem: `${field} "${shown}" is not a real date and time: ${calendarProblem}` };

    if (zulu !== undefined || sign !== undefined) {
        const offset = zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0));
        if (Number(offsetMinutes ?? 0) > 59 || offset > MAX_OFFSET_MINUTES || offset < MIN_OFFSET_MINUTES) {
            return { ok: false, problem: `${field} "${shown}" has a UTC offset outside -12:00 to +14:00` };
        }
        return { ok: true, local, offsetMinutes: offset };
    }
    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) return { ok: false, problem: zoneProblem };
    return { ok: true, local };
}

/** The problem with a `publishAt`-style text, or undefined when a run can place it (for input validation). */
export function dateTimeTextProblem(text: string, timeZone: string, field = 'publishAt'): string | undefined {
    const read = readDateTimeText(text, timeZone, field);
    return read.ok ? undefined : read.problem;
}

/** `HH:mm` or `H:mm` from 00:00 to 23:59, e.g. "09:00", "9:00", "13:30"; undefined for anything else. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
    if (typeof text !== 'string') return undefined;
    const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
    if (!match) return undefined;
    const hour = Number(match[1]);
    const minute = Number(match[2]);
    if (hour > 23 || minute > 59) return undefined;
    return { hour, minute };
}

/** ISO 8601 in UTC with seconds precision, e.g. `2026-12-01T08:00:00Z` (milliseconds are dropped, not rounded). */
export function formatUtc(epochMs: number): string {
    return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** UTC under its names: a wall clock there is shown as `UTC`, not as the name given. */
export const isUtcName = (zone: string) => /^(Etc\/)?(UTC|GMT|Zulu|UCT|Universal)$/i.test(zone);

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall clock in `zone` and the zone's name, e.g. `2026-12-04 09:00 America/New_York` or `2026-12-01 09:00 UTC`:
 * the `publishAtLocal` of the rows, next to the UTC `publishAt` that fixes the instant. Seconds only when not zero.
 */
export function formatLocalTime(epochMs: number, zone: string): string {
    let format = wallClocks.get(zone);
    if (!format) {
        const digits = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
        format = new Intl.DateTimeFormat('en-US', { ...digits, hourCycle: 'h23', timeZone: zone });
        wallClocks.set(zone, format);
    }
    const part = Object.fromEntries(format.formatToParts(epochMs).map(({ type, value }) => [type, value]));
    const seconds = part.second === '00' ? '' : `:${part.second}`;
    const shown = isUtcName(zone) && isValidTimeZone(zone) ? 'UTC' : zone;
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}${seconds} ${shown}`;
}

export function formatLocal(local: LocalDateTime): string {
    const pad = (value: number) => String(value).padStart(2, '0');
    const seconds = local.second ? `:${pad(local.second)}` : '';
    return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}${seconds}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Years a schedule can mean: none before Pinterest's API could post, none that a stored time could not hold. */
const YEARS = { min: 1970, max: 9998 };

function describeUnrealDate(local: LocalDateTime): string | undefined {
    if (local.year < YEARS.min || local.year > YEARS.max) return `the year must be ${YEARS.min} to ${YEARS.max}`;
    if (local.month < 1 || local.month > 12) return 'the month must be 01 to 12';
    // Day 0 of the next month is the last day of this one.
    const daysInMonth = new Date(Date.UTC(local.year, local.month, 0)).getUTCDate();
    if (local.day < 1 || local.day > daysInMonth) return `${MONTHS[local.month - 1]} ${local.year} has ${daysInMonth} days`;
    if (local.hour > 23) return 'the hour must be 00 to 23';
    if (local.minute > 59) return 'the minutes must be 00 to 59';
    if ((local.second ?? 0) > 59) return 'the seconds must be 00 to 59';
    return undefined;
}

/** Keeps messages one line long when someone pastes a paragraph into a date field. */
export function shorten(text: string): string {
    return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
