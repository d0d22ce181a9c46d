import { z } from 'zod';

import { blankToUndefined, flag, FIELDS, httpUrl, modeInputSchema, optionalText, trimmed } from '../../input/fields.js';
import { draftProblems, type PinDraft, pinDraftShape } from '../../publish/draft.js';
import { DEFAULT_LEDGER_STORE, RECONCILE_WAIT_FIELD } from '../../publish/options.js';
import { DEFAULT_QUEUE_STORE } from '../../schedule/queue.js';
import { spacingInputProblems } from '../../schedule/spacing-options.js';
import { DEFAULT_TIME_ZONE, timeZoneProblem } from '../../schedule/time-text.js';

/** More than a content calendar needs in one go; each pin is a few hundred bytes in memory. */
export const MAX_PINS = 10_000;

const spacingSchema = z.preprocess(
    blankToUndefined,
    z
        .object(
            {
                startAt: z.string().optional(),
                intervalMinutes: z.number().optional(),
                timeSlots: z.array(z.string()).optional(),
                jitterMinutes: z.number().optional(),
                minDaysBetweenSameLink: z.number().optional(),
            },
            { error: 'spacing must be an object such as {"timeSlots": ["09:00", "18:00"]}' },
        )
        .optional(),
);

export const createPinInput = modeInputSchema('create-pin', {
    ...pinDraftShape,
    pins: z.preprocess(
        blankToUndefined,
        z
            .array(z.unknown(), {
                error: 'pins must be a list of pin objects, for example [{"boardId": "549755885175", "pinTitle": "…", "imageUrl": "https://…"}]',
            })
            .max(MAX_PINS, `pins must list at most ${MAX_PINS} pins; split larger batches over several runs`)
            .optional(),
    ),
    pinsCsv: optionalText(z.string()),
    pinsCsvUrl: optionalText(httpUrl('pinsCsvUrl', 2048)),
    dryRun: flag('dryRun'),
    allowDuplicates: flag('allowDuplicates'),
    createMissingBoards: flag('createMissingBoards'),
    reconcileWaitSeconds: RECONCILE_WAIT_FIELD,
    ledgerStoreName: FIELDS.storeName('ledgerStoreName', DEFAULT_LEDGER_STORE),
    queueStoreName: FIELDS.storeName('queueStoreName', DEFAULT_QUEUE_STORE),
    timeZone: z.preprocess(blankToUndefined, trimmed().default(DEFAULT_TIME_ZONE)),
    spacing: spacingSchema,
});
export type CreatePinInput = z.infer<typeof createPinInput>;

/** Single-pin fields that make the top level a pin of its own (a board or link alone are not a pin). */
export const SINGLE_PIN_MARKERS = ['pinTitle', 'imageUrl', 'imageUrls', 'videoUrl'] as const;

/** Rules spanning create-pin's fields, reported together with the field errors before any request. */
export function createPinInputProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
    const problems: string[] = [];
    const single = SINGLE_PIN_MARKERS.some(given);
    if (!single && !given('pins') && !given('pinsCsv') && !given('pinsCsvUrl')) {
        problems.push('create-pin needs a pin: boardId, pinTitle and imageUrl for one pin, or pins, pinsCsv or pinsCsvUrl for many');
    }
    if (given('pinsCsv') && given('pinsCsvUrl')) problems.push('give pinsCsv or pinsCsvUrl, not both');
    if (single) {
        const fields = Object.fromEntries(
            Object.entries(raw).filter(([field, value]) => field in pinDraftShape && blankToUndefined(value) !== undefined),
        );
        problems.push(...draftProblems(fields as PinDraft).map((problem) => `${problem} for mode create-pin`));
    }
    const timeZone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) problems.push(zoneProblem);
    problems.push(...spacingInputProblems(raw.spacing, timeZone));
    return problems;
}
