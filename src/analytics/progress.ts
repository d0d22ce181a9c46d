import { z } from 'zod';

import { daysBetween, type ResolvedRange } from './dates.js';
import type { RunJournal } from '../storage/journal.js';
import type { RunOutput } from '../output/run-output.js';

const progressSchema = z.object({ startDate: z.string(), endDate: z.string(), stored: z.number().int().min(0) });

export interface AnalyticsProgress {
    /** The range of the first start: a restart after midnight UTC must not move it. */
    range: ResolvedRange;
    /** Rows already stored (and charged) by this run, before a restart. */
    stored: number;
    save(stored: number): Promise<void>;
}

async function countRowsFrom(output: RunOutput, offset: number): Promise<number> {
    let count = 0;
    for (;;) {
        const page = await output.readStoredItems(offset + count, 1000);
        count += page.length;
        if (page.length < 1000) return count;
    }
}

/**
 * Where an analytics run stands after a platform restart. Rows are stored in a fixed order (pins as listed, days
 * oldest first), so a count is enough; rows found in the dataset past the journaled count cover a restart between storing and journaling.
 */
export async function resumeProgress(journal: RunJournal, output: RunOutput, requested: ResolvedRange): Promise<AnalyticsProgress> {
    const saved = progressSchema.safeParse(await journal.read());
    const range = saved.success
        ? {
              startDate: saved.data.startDate,
              endDate: saved.data.endDate,
              days: daysBetween(saved.data.startDate, saved.data.endDate),
              warnings: requested.warnings,
          }
        : requested;
    const journaled = saved.success ? saved.data.stored : 0;
    // Rows stored after the last journal write are in the dataset itself: count them there, not by its lagging item count.
    const stored = journaled + (await countRowsFrom(output, journaled));
    const save = (count: number) => journal.write({ startDate: range.startDate, endDate: range.endDate, stored: count });
    await save(stored);
    return { range, stored, save };
}
