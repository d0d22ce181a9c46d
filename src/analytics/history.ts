import { z } from 'zod';

import type { NamedStore } from '../storage/contracts.js';
import { TIME_MS, TypedRecord } from '../storage/records.js';
import { addDays, type DateRange, datesOf } from './dates.js';
import { isNoDataStatus, type Metrics } from './metrics.js';

/**
 * The analytics history: what snapshot-analytics keeps of an account beyond Pinterest's 90 days, in a named
 * key-value store (`historyStoreName`). Several accounts can share one store; `<a>` below is the account's hash
 * (environment and account id, as the ledger's index names accounts).
 *
 * - `account-<a>-<YYYY>`: one record per account and year: each day's metrics (every metric get-account-analytics
 *   offers, no split, all apps) with Pinterest's data status, the account's counters (followers, following,
 *   monthly views, pins, boards) as each snapshot found them, at most one entry a day, and the ranges of days that
 *   were lost (no snapshot ran while Pinterest still had them). About 130 bytes a day: a year is some 50 kB.
 * - `pins-<a>-<YYYY-MM>`: one record per account and month: the 90-day and lifetime counters of the pins this Actor
 *   published and of the day's top pins, one row of numbers per pin and day (column names once per record), and the
 *   top pins' ranking of each day. About 60 bytes a pin and day.
 *
 * Reading a year of an account's days is one listing (`account-<a>-`) and one or two record reads; a daily snapshot
 * reads the records of the last 90 days (one, two across New Year) and writes only what changed: a second snapshot
 * on the same day writes nothing. There is no compare-and-swap on the platform: two snapshots at once write the same
 * days from the same answers, so the later write loses nothing the earlier had.
 */

export const DEFAULT_HISTORY_STORE = 'pinterest-analytics-history';

const metricsSchema = z.record(z.string(), z.number().nullable());
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One day of the account, as Pinterest answered it when it was last stored. */
const storedDaySchema = z.object({
    dataStatus: z.string().nullable(),
    metrics: metricsSchema,
    /** When these numbers were stored (ms); a day rewritten with the same numbers keeps its time. */
    storedAt: TIME_MS,
});
export type StoredDay = z.infer<typeof storedDaySchema>;

export const COUNTER_NAMES = ['followerCount', 'followingCount', 'monthlyViews', 'pinCount', 'boardCount'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

const countersSchema = z.object({
    /** When the snapshot read them (ms). */
    at: TIME_MS,
    ...(Object.fromEntries(COUNTER_NAMES.map((name) => [name, z.number().int().nullable()])) as Record<CounterName, z.ZodNullable<z.ZodNumber>>),
});
export type AccountCounters = z.infer<typeof countersSchema>;

const lostRangeSchema = z.object({
    startDate: dateText,
    endDate: dateText,
    /** When a snapshot found them gone from Pinterest (ms). */
    noticedAt: TIME_MS,
});
export type LostRange = z.infer<typeof lostRangeSchema>;

const accountNameSchema = z.object({ id: z.string().nullable(), username: z.string().nullable() });

export const yearRecordSchema = z.object({
    version: z.literal(1),
    year: z.number().int(),
    /** Whose history it is, for people reading the store; the key's hash is what the Actor goes by. */
    account: accountNameSchema,
    days: z.record(dateText, storedDaySchema),
    counters: z.record(dateText, countersSchema),
    lost: z.array(lostRangeSchema),
});
export type YearRecord = z.infer<typeof yearRecordSchema>;

export const pinsRecordSchema = z.object({
    version: z.literal(1),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    account: accountNameSchema,
    /** What each number of a pin's day is: `last90Days.impression`, `lifetime.comment`, ... */
    columns: z.array(z.string()),
    pins: z.record(
        z.string(),
        z.object({
            /** Set for pins this Actor published (from the ledger's index). */
            boardId: z.string().nullable(),
            publishedAt: TIME_MS.nullable(),
            days: z.record(dateText, z.array(z.number().nullable())),
        }),
    ),
    topPins: z.record(dateText, z.object({ startDate: dateText, endDate: dateText, sortBy: z.string(), pinIds: z.array(z.string()) })),
});
export type PinsRecord = z.infer<typeof pinsRecordSchema>;

/** A day whose numbers Pinterest will not change any more: final, or one it has no numbers for at all. */
export const isFinalStatus = (status: string | null | undefined) => status === 'READY' || isNoDataStatus(status);

export const yearOf = (date: string) => Number(date.slice(0, 4));

/** Every year a range touches. */
export function yearsOf(range: DateRange): number[] {
    const years: number[] = [];
    for (let year = yearOf(range.startDate); year <= yearOf(range.endDate); year += 1) years.push(year);
    return years;
}

const DAMAGED_ADVICE = 'rather than overwrite history it cannot read: delete that record (its days are lost) or restore it, and run again';

/** One account's history in the store. Records are read once per run and written only when they changed. */
export class AnalyticsHistory {
    private readonly loaded = new Map<number, YearRecord>();
    private readonly changed = new Set<number>();
    private stored?: number[];

    constructor(
        readonly store: NamedStore,
        readonly accountKey: string,
        readonly account: z.infer<typeof accountNameSchema>,
    ) {}

    private get yearPrefix() {
        return `account-${this.accountKey}-`;
    }

    yearKey(year: number): string {
        return `${this.yearPrefix}${String(year).padStart(4, '0')}`;
    }

    pinsKey(month: string): string {
        return `pins-${this.accountKey}-${month}`;
    }

    private yearRecord(year: number) {
        return this.record(this.yearKey(year), yearRecordSchema);
    }

    pinsRecord(month: string) {
        return this.record(this.pinsKey(month), pinsRecordSchema);
    }

    private record<S extends z.ZodType>(key: string, schema: S) {
        const description = `analytics history record ${key} in key-value store "${this.store.name}"`;
        return new TypedRecord(this.store, key, schema, description, undefined, DAMAGED_ADVICE);
    }

    /** The years the store has a record of, oldest first: one listing (an account has far fewer than 1,000). */
    async storedYears(): Promise<number[]> {
        if (this.stored) return this.stored;
        const page = await this.store.listKeys({ prefix: this.yearPrefix });
        this.stored = page.keys
            .map((key) => /^\d{4}$/.exec(key.slice(this.yearPrefix.length))?.[0])
            .filter((year): year is string => year !== undefined)
            .map(Number)
            .sort((a, b) => a - b);
        return this.stored;
    }

    /** Reads the records of these years that exist (one read each) and keeps them for the run. */
    async load(years: Iterable<number>): Promise<void> {
        const stored = new Set(await this.storedYears());
        for (const year of new Set(years)) {
            if (this.loaded.has(year) || !stored.has(year)) continue;
            const record = await this.yearRecord(year).read();
            if (record) this.loaded.set(year, record);
        }
    }

    /** A loaded day, if stored. */
    day(date: string): StoredDay | undefined {
        return this.loaded.get(yearOf(date))?.days[date];
    }

    /** The loaded days of a range, oldest first. */
    daysIn(range: DateRange): Array<[string, StoredDay]> {
        return datesOf(range).flatMap((date) => {
            const day = this.day(date);
            return day ? [[date, day] as [string, StoredDay]] : [];
        });
    }

    /** The loaded counters of a range, oldest first. */
    countersIn(range: DateRange): Array<[string, AccountCounters]> {
        return datesOf(range).flatMap((date) => {
            const counters = this.loaded.get(yearOf(date))?.counters[date];
            return counters ? [[date, counters] as [string, AccountCounters]] : [];
        });
    }

    /** Lost ranges of the loaded years that touch `range`. */
    lostIn(range: DateRange): LostRange[] {
        return [...this.loaded.values()]
            .flatMap((record) => record.lost)
            .filter((lost) => lost.endDate >= range.startDate && lost.startDate <= range.endDate);
    }

    /**
     * The first day the history has, when the loaded years say it (the account's oldest record is loaded); undefined
     * when it began before everything loaded, or has no day at all.
     */
    firstDay(): string | undefined {
        const oldest = this.stored?.[0];
        const record = oldest === undefined ? undefined : this.loaded.get(oldest);
        return record ? Object.keys(record.days).sort()[0] : undefined;
    }

    /**
     * The last day the loaded records account for: stored, or recorded as lost. Load the latest stored year to know it.
     */
    lastAccountedDay(): string | undefined {
        let last: string | undefined;
        for (const record of this.loaded.values()) {
            for (const date of [...Object.keys(record.days), ...record.lost.map((lost) => lost.endDate)]) if (!last || date > last) last = date;
        }
        return last;
    }

    private editable(year: number): YearRecord {
        let record = this.loaded.get(year);
        if (!record) {
            record = { version: 1, year, account: this.account, days: {}, counters: {}, lost: [] };
            this.loaded.set(year, record);
        }
        return record;
    }

    /** Stores a day's numbers unless the stored ones are the same; true when it changed. */
    putDay(date: string, dataStatus: string | null, metrics: Metrics, at: number): boolean {
        const stored = this.day(date);
        if (stored && stored.dataStatus === dataStatus && sameNumbers(stored.metrics, metrics)) return false;
        this.editable(yearOf(date)).days[date] = { dataStatus, metrics: { ...metrics }, storedAt: at };
        this.changed.add(yearOf(date));
        return true;
    }

    /** Stores the day's counters unless the day already has the same; true when it changed. */
    putCounters(date: string, counters: AccountCounters): boolean {
        const record = this.editable(yearOf(date));
        const stored = record.counters[date];
        if (stored && COUNTER_NAMES.every((name) => stored[name] === counters[name])) return false;
        record.counters[date] = counters;
        this.changed.add(yearOf(date));
        return true;
    }

    /** Records that the days of `range` are lost, in the record of each year they fall in. */
    putLost(range: DateRange, at: number): void {
        for (const year of yearsOf(range)) {
            const part = {
                startDate: range.startDate > `${year}-01-01` ? range.startDate : `${year}-01-01`,
                endDate: range.endDate < `${year}-12-31` ? range.endDate : `${year}-12-31`,
            };
            const record = this.editable(year);
            if (record.lost.some((lost) => lost.startDate === part.startDate && lost.endDate === part.endDate)) continue;
            record.lost.push({ ...part, noticedAt: at });
            record.lost.sort((a, b) => a.startDate.localeCompare(b.startDate));
            this.changed.add(year);
        }
    }

    /** Writes the records that changed; returns their keys. */
    async save(): Promise<string[]> {
        const written: string[] = [];
        for (const year of [...this.changed].sort()) {
            const record = this.loaded.get(year);
            if (!record) continue;
            await this.yearRecord(year).write(record);
            written.push(this.yearKey(year));
            if (this.stored && !this.stored.includes(year)) this.stored = [...this.stored, year].sort((a, b) => a - b);
        }
        this.changed.clear();
        return written;
    }
}

/** Two metric maps with the same numbers under the same names. */
export function sameNumbers(a: Metrics, b: Metrics): boolean {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => (a[key] ?? null) === (b[key] ?? null));
}

/** Why a day of a range has no numbers: the history had not begun, or no snapshot ran while Pinterest had it. */
export type MissingReason = 'HISTORY_NOT_STARTED' | 'NOT_SNAPSHOTTED';

export interface MissingDays extends DateRange {
    reason: MissingReason;
}

/** The days of `dates` (sorted) as ranges of one reason each: before `firstDay` the history had not begun. */
export function missingRanges(dates: readonly string[], firstDay: string | undefined): MissingDays[] {
    const ranges: MissingDays[] = [];
    for (const date of dates) {
        const reason: MissingReason = firstDay && date < firstDay ? 'HISTORY_NOT_STARTED' : 'NOT_SNAPSHOTTED';
        const open = ranges.at(-1);
        if (open && open.reason === reason && addDays(open.endDate, 1) === date) open.endDate = date;
        else ranges.push({ startDate: date, endDate: date, reason });
    }
    return ranges;
}
