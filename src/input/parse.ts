import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

import { ActorError } from '../common/errors.js';
import { blankToUndefined, type CommonInput } from './fields.js';

/** Thrown for anything wrong with the input: the run fails before any request, and nothing is charged. */
export class UserInputError extends ActorError {
    override name = 'UserInputError';
    constructor(readonly problems: string[]) {
        super(`Invalid input: ${problems.join('; ')}`);
    }
}

/** What parseInput needs of each mode. */
export interface ModeInputDefinition {
    readonly input: z.ZodObject;
    /** Rules spanning fields, read from the raw input so they are reported together with field errors. */
    inputProblems?(raw: Record<string, unknown>): string[];
}

export const DEFAULT_MODE = 'list-boards';

/**
 * Every field of every mode in one shape, without `mode` (each mode's is its own literal). A field several modes
 * take must be one schema object, defined once (FIELDS, ANALYTICS_FIELDS, pinDraftShape, ...): two definitions of
 * one name would drift apart, and a plain merge would silently keep whichever came last.
 */
export function mergeModeFields(modes: Record<string, ModeInputDefinition>): z.ZodRawShape {
    const merged: Record<string, { schema: z.ZodType; mode: string }> = {};
    for (const [mode, definition] of Object.entries(modes)) {
        for (const [field, schema] of Object.entries(definition.input.shape as Record<string, z.ZodType>)) {
            if (field === 'mode') continue;
            const first = merged[field];
            if (first && first.schema !== schema) {
                throw new Error(
                    `Input field ${field} is defined twice, differently, by modes ${first.mode} and ${mode}: define it once (in FIELDS, src/input/fields.ts, or next to the fields it belongs with) and use that definition in both.`,
                );
            }
            if (!first) merged[field] = { schema, mode };
        }
    }
    return Object.fromEntries(Object.entries(merged).map(([field, { schema }]) => [field, schema]));
}

/** The `mode` field of the whole input: one of the modes' names, the first mode's by default. */
export function modeField(names: readonly string[]) {
    return z.preprocess(
        blankToUndefined,
        z.enum(names as [string, ...string[]], { error: `mode must be one of: ${names.join(', ')}` }).default(DEFAULT_MODE),
    );
}

/** Every input field of every mode as one flat schema (what the Console form shows), `mode` an enum of the modes. */
export function modeInputFields(modes: Record<string, ModeInputDefinition>) {
    return z.object({ mode: modeField(Object.keys(modes)), ...mergeModeFields(modes) });
}

/** Rules spanning the common fields. */
function credentialProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
    // A half-given refresh setup would work today and silently stop when the access token expires: say so now.
    const refreshFields = ['refreshToken', 'appId', 'appSecret'];
    const missing = refreshFields.filter((field) => !given(field));
    if (missing.length > 0 && missing.length < refreshFields.length) {
        return [`refreshToken, appId and appSecret work only together: add ${missing.join(' and ')}, or leave all three empty`];
    }
    if (missing.length === refreshFields.length && !given('accessToken')) {
        return ['accessToken is required (or give refreshToken, appId and appSecret so the Actor can get one)'];
    }
    return [];
}

export interface ParseInputOptions {
    /** Told once about fields no mode knows (and that are not a near miss of one): they are ignored. */
    warn?: (message: string) => void;
}

/** The known field an unknown one was probably meant to be: same letters in another case, or one or two off. */
export function nearMiss(field: string, known: readonly string[]): string | undefined {
    const lower = field.toLowerCase();
    const sameLetters = known.find((name) => name.toLowerCase() === lower);
    if (sameLetters) return sameLetters;
    // Two edits would turn many short names into each other; they are allowed only for longer names. Levenshtein
    // counts two swapped letters as two edits: between names of the same letters, they count as one.
    const allowed = (name: string) => (Math.min(name.length, field.length) <= 4 ? 1 : 2);
    const letters = (text: string) => [...text].sort().join('');
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const other = name.toLowerCase();
        const edits = distance(lower, other) - (letters(lower) === letters(other) ? 1 : 0);
        if (edits <= allowed(name) && (!best || edits < best.distance)) best = { name, distance: edits };
    }
    return best?.name;
}

/**
 * Fields the input has that no mode knows. The Console form sends every field of every mode, so a field known to
 * any mode is fine. A near miss of a known one is an error: ignoring `boardID` would fetch (and charge for) the
 * whole account instead of one board. Anything else is ignored with one warning.
 */
function unknownFieldProblems(fields: Record<string, unknown>, modes: Record<string, ModeInputDefinition>, options: ParseInputOptions): string[] {
    const known = [...new Set(Object.values(modes).flatMap((definition) => Object.keys(definition.input.shape)))];
    const unknown = Object.keys(fields).filter((field) => !known.includes(field));
    const problems: string[] = [];
    const ignored: string[] = [];
    for (const field of unknown) {
        const meant = nearMiss(field, known);
        if (meant) problems.push(`unknown field ${field}: did you mean ${meant}?`);
        else ignored.push(field);
    }
    if (ignored.length > 0) {
        options.warn?.(`The input has field${ignored.length === 1 ? '' : 's'} no mode uses, ignored: ${ignored.join(', ')}.`);
    }
    return problems;
}

/** Validates raw input against its mode's schema, collecting every problem so the user can fix them all in one go. */
export function parseInput<T extends Record<string, ModeInputDefinition>>(
    raw: unknown,
    modes: T,
    options: ParseInputOptions = {},
): CommonInput & Record<string, unknown> {
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
        throw new UserInputError(['The input must be a JSON object, for example {"mode": "list-boards", "accessToken": "pina_..."}']);
    }
    const fields = { ...((raw ?? {}) as Record<string, unknown>) };
    const misspelt = unknownFieldProblems(fields, modes, options);
    const names = Object.keys(modes);
    const modeValue = blankToUndefined(fields.mode) ?? DEFAULT_MODE;
    const mode = typeof modeValue === 'string' ? modes[modeValue] : undefined;
    if (!mode) {
        // Still name every other problem, judged against the fields of all modes.
        const result = z.object(mergeModeFields(modes)).safeParse(fields);
        const others = result.success ? [] : result.error.issues.map(describeIssue);
        throw new UserInputError([`mode must be one of: ${names.join(', ')}`, ...new Set([...misspelt, ...others, ...credentialProblems(fields)])]);
    }
    fields.mode = modeValue;

    const result = mode.input.safeParse(fields);
    const problems = [
        ...misspelt,
        ...(result.success ? [] : result.error.issues.map(describeIssue)),
        ...credentialProblems(fields),
        ...(mode.inputProblems?.(fields) ?? []),
    ];
    if (problems.length > 0) throw new UserInputError([...new Set(problems)]);
    return result.data as CommonInput & Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.join('.');
    // Our own messages already name the field; zod's generic ones (unknown types) do not.
    if (!field || issue.message.startsWith(field)) return issue.message;
    return `${field}: ${issue.message}`;
}
