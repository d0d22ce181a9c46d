import { z } from 'zod';

import { ActorError } from './errors.js';
import { PIN_LIMITS } from './pinterest/limits.js';

/**
 * The Actor's input contract. Each mode declares its own input schema (in its file under src/modes) from the
 * shared fields below, and the dispatch table joins them into one schema discriminated by `mode`.
 * `.actor/input_schema.json` mirrors every field for the Console form; `test/unit/input-schema.test.ts` keeps the
 * two in agreement (names, limits, enum values, defaults).
 */

export const ENVIRONMENTS = ['production', 'sandbox'] as const;
/** The `privacy` filter of `GET /boards` (BoardPrivacyFilter in the OpenAPI description). */
export const BOARD_PRIVACY_FILTERS = ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET'] as const;

export const LIMITS = {
    maxItems: { min: 1, max: 10_000, default: 25 },
    pinTitle: PIN_LIMITS.title,
    pinDescription: PIN_LIMITS.description,
    altText: PIN_LIMITS.altText,
    linkUrl: PIN_LIMITS.link,
    imageUrl: PIN_LIMITS.mediaUrl,
} as const;

export const DEFAULT_CREDENTIALS_STORE = 'pinterest-credentials';

/** Thrown for anything wrong with the input: the run fails before any request, and nothing is charged. */
export class UserInputError extends ActorError {
    override name = 'UserInputError';
    constructor(readonly problems: string[]) {
        super(`Invalid input: ${problems.join('; ')}`);
    }
}

/**
 * Optional fields arrive as "" from the Console form and from callers that copy the Store page's API example,
 * and as null from many AI agents: both mean "not given" rather than an error.
 */
export const blankToUndefined = (value: unknown) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value);
export const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
export const trimmed = (params?: { error: string }) => z.string(params).trim();

/** An example that fits the field: a destination link is a page, not an image. */
function exampleUrl(field: string): string {
    if (/video/i.test(field)) return 'https://example.com/video.mp4';
    if (/image|cover/i.test(field)) return 'https://example.com/image.jpg';
    return 'https://example.com/page';
}

export const httpUrl = (field: string, max: number, example = exampleUrl(field)) =>
    trimmed()
        .max(max, `${field} must be at most ${max} characters`)
        .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), `${field} must be a full http(s) URL, for example ${example}`);

export const flag = (field: string, fallback = false) =>
    z.preprocess(blankToUndefined, z.boolean({ error: `${field} must be true or false` }).default(fallback));

/** A Pinterest id (board, section, pin): digits, as a string; a number that JSON kept exact is accepted too. */
export const pinterestId = (field: string, example = '549755885175') =>
    z.preprocess(
        (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : blankToUndefined(value)),
        trimmed({ error: `${field} must be a string of digits (put it in quotes: long numbers lose digits in JSON)` })
            .regex(/^\d+$/, `${field} must contain digits only, for example "${example}"`)
            .max(PIN_LIMITS.idDigits, `${field} must be at most ${PIN_LIMITS.idDigits} digits, as Pinterest ids are`)
            .optional(),
    );

/** Pinterest tokens are about 100 characters; anything this long is a paste gone wrong, not a token. */
export const MAX_SECRET_LENGTH = 2000;

/**
 * A token or app secret. It goes into an HTTP header, where a line break would be refused (or, worse, start a new
 * header), so only printable ASCII without spaces is accepted, checked before any request. Messages never echo it.
 */
/** A whole number within limits, with a default; every message names the field and the range. */
export const wholeNumber = (field: string, limits: { min: number; max: number; default: number }) =>
    z.preprocess(
        blankToUndefined,
        z
            .number({ error: `${field} must be a whole number from ${limits.min} to ${limits.max}` })
            .int(`${field} must be a whole number from ${limits.min} to ${limits.max}`)
            .min(limits.min, `${field} must be at least ${limits.min}`)
            .max(limits.max, `${field} must be at most ${limits.max}`)
            .default(limits.default),
    );

const secret = (field: string) =>
    optionalText(
        trimmed()
            .min(1, `${field} must not be empty`)
            .max(MAX_SECRET_LENGTH, `${field} must be at most ${MAX_SECRET_LENGTH} characters (Pinterest tokens are far shorter): copy it again`)
            .regex(/^[\x21-\x7e]*$/, `${field} must be one line of letters, digits and punctuation, without spaces or line breaks: copy it again`),
    );

const storeName = (field: string, fallback: string) =>
    z.preprocess(
        blankToUndefined,
        trimmed()
            // The platform's rule for storage names (DNS-safe): a name it refuses would fail the run mid-way there.
            .regex(
                /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/,
                `${field} must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`,
            )
            .default(fallback),
    );

/** Fields several modes share, defined once. */
export const FIELDS = {
    boardId: pinterestId('boardId'),
    maxItems: wholeNumber('maxItems', LIMITS.maxItems),
    includeMetrics: flag('includeMetrics'),
    boardPrivacy: z.preprocess(
        (value) => blankToUndefined(typeof value === 'string' ? value.toUpperCase() : value),
        z.enum(BOARD_PRIVACY_FILTERS, { error: `boardPrivacy must be one of: ${BOARD_PRIVACY_FILTERS.join(', ')}` }).optional(),
    ),
    storeName,
};

/** What every mode takes: who to act as, and where. */
export const commonInputShape = {
    accessToken: secret('accessToken'),
    refreshToken: secret('refreshToken'),
    appId: optionalText(
        trimmed()
            .regex(/^\d+$/, 'appId must be the numeric App ID from developers.pinterest.com')
            .max(PIN_LIMITS.idDigits, `appId must be at most ${PIN_LIMITS.idDigits} digits, as Pinterest App IDs are`),
    ),
    appSecret: secret('appSecret'),
    credentialsStoreName: storeName('credentialsStoreName', DEFAULT_CREDENTIALS_STORE),
    environment: z.preprocess(
        blankToUndefined,
        z.enum(ENVIRONMENTS, { error: `environment must be one of: ${ENVIRONMENTS.join(', ')}` }).default('production'),
    ),
    skipPreflight: flag('skipPreflight'),
};

/** A mode's input schema: the common fields, the mode's name, and its own fields. */
export function modeInputSchema<M extends string, S extends z.ZodRawShape>(mode: M, shape: S) {
    return z.object({ mode: z.literal(mode), ...commonInputShape, ...shape });
}

export type CommonInput = z.infer<z.ZodObject<typeof commonInputShape>> & { mode: string };

/** What parseInput needs of each mode. */
export interface ModeInputDefinition {
    readonly input: z.ZodObject;
    /** Rules spanning fields, read from the raw input so they are reported together with field errors. */
    inputProblems?(raw: Record<string, unknown>): string[];
}

export const DEFAULT_MODE = 'list-boards';

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

/** Edit distance with adjacent swaps (optimal string alignment), enough to catch typos in field names. */
function editDistance(a: string, b: string): number {
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i += 1) {
        for (let j = 1; j <= b.length; j += 1) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
            rows[i]![j] = best;
        }
    }
    return rows[a.length]![b.length]!;
}

/** The known field an unknown one was probably meant to be: same letters in another case, or one or two off. */
export function nearMiss(field: string, known: readonly string[]): string | undefined {
    const lower = field.toLowerCase();
    const sameLetters = known.find((name) => name.toLowerCase() === lower);
    if (sameLetters) return sameLetters;
    // Two edits would turn many short names into each other; they are allowed only for longer names.
    const allowed = (name: string) => (Math.min(name.length, field.length) <= 4 ? 1 : 2);
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const distance = editDistance(lower, name.toLowerCase());
        if (distance <= allowed(name) && (!best || distance < best.distance)) best = { name, distance };
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
        const everyField = z
            .object(Object.assign({}, ...Object.values(modes).map((definition) => definition.input.shape)) as z.ZodRawShape)
            .omit({ mode: true });
        const result = everyField.safeParse(fields);
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
