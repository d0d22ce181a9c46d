import { z } from 'zod';

import { blankToUndefined, FIELDS, flag, httpUrl, modeInputSchema, optionalText, withItemFields } from '../../input/fields.js';
import { draftProblems, type PinDraft, pinDraftShape, pinKeyNearMisses } from '../../publish/draft.js';
import { RECONCILE_WAIT_FIELD } from '../../publish/options.js';
import { checkSpacing, spacingField } from '../../schedule/spacing-options.js';
import { DEFAULT_TIME_ZONE, timeZoneProblem } from '../../schedule/time-text.js';
import { SHARED_FIELDS } from '../input.js';

/** More than a content calendar needs in one go; each pin is a few hundred bytes in memory. */
export const MAX_PINS = 10_000;

export const createPinInput = modeInputSchema('create-pin', {
    ...pinDraftShape,
    // Each pin is read with pinDraftShape when the run reaches it: a bad pin gets a failed row, the others go out.
    pins: withItemFields(
        z.preprocess(
            blankToUndefined,
            z
                .array(z.unknown(), {
                    error: 'pins must be a list of pin objects, for example [{"boardId": "549755885175", "pinTitle": "…", "imageUrl": "https://…"}]',
                })
                .max(MAX_PINS, `pins must list at most ${MAX_PINS} pins; split larger batches over several runs`)
                .optional(),
        ),
        pinDraftShape,
    ),
    pinsCsv: optionalText(z.string({ error: 'pinsCsv must be the CSV as text: a header line, then one line per pin' })),
    pinsCsvUrl: optionalText(httpUrl('pinsCsvUrl', 2048)),
    dryRun: FIELDS.dryRun,
    allowDuplicates: flag('allowDuplicates'),
    createMissingBoards: FIELDS.createMissingBoards,
    createMissingSections: FIELDS.createMissingSections,
    reconcileWaitSeconds: RECONCILE_WAIT_FIELD,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
    queueStoreName: SHARED_FIELDS.queueStoreName,
    timeZone: SHARED_FIELDS.timeZone,
    spacing: spacingField,
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
    // A misspelt key in one pin would publish that pin without it: like a misspelt field, it stops the run first.
    if (Array.isArray(raw.pins)) {
        raw.pins.forEach((pin: unknown, index) => {
            if (typeof pin === 'object' && pin !== null && !Array.isArray(pin)) {
                const { account: _account, ...fields } = pin as Record<string, unknown>;
                problems.push(...pinKeyNearMisses(fields).map((problem) => `pins[${index}]: ${problem}`));
            }
        });
    }
    problems.push(...pinAccountProblems(raw, single));
    const timeZone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) problems.push(zoneProblem);
    const spacing = checkSpacing(raw.spacing, timeZone);
    if (!spacing.ok) problems.push(...spacing.problems);
    return problems;
}

/**
 * With several accounts, every pin of `pins` names its `account` (a label of `accounts`): checked before any
 * request. CSV rows are read during the run; one naming no account fails as a row.
 */
function pinAccountProblems(raw: Record<string, unknown>, single: boolean): string[] {
    const labels = Array.isArray(raw.accounts)
        ? raw.accounts.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { label?: unknown }).label : undefined))
        : [];
    const known = labels.filter((label): label is string => typeof label === 'string').map((label) => label.trim());
    if (known.length < 2) return [];
    const problems: string[] = [];
    if (single) {
        problems.push(
            `with several accounts, create-pin takes pins (each naming its account) or a CSV with an Account column, not the single-pin fields`,
        );
    }
    if (!Array.isArray(raw.pins)) return problems;
    raw.pins.forEach((pin: unknown, index) => {
        if (typeof pin !== 'object' || pin === null || Array.isArray(pin)) return;
        const account = (pin as { account?: unknown }).account;
        const label = typeof account === 'string' ? account.trim() : '';
        if (!label) problems.push(`pins[${index}].account is required when accounts lists more than one account: name one of ${known.join(', ')}`);
        else if (!known.some((each) => each.toLowerCase() === label.toLowerCase())) {
            problems.push(`pins[${index}].account "${label}" is not one of the labels in accounts (${known.join(', ')})`);
        }
    });
    return problems;
}
