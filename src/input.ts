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

export const httpUrl = (field: string, max: number) =>
    trimmed()
        .max(max, `${field} must be at most ${max} characters`)
        .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), `${field} must be a full http(s) URL, for example https://example.com/image.jpg`);

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

const secret = (field: string) => optionalText(trimmed().min(1, `${field} must not be empty`));

const storeName = (field: string, fallback: string) =>
    z.preprocess(
        blankToUndefined,
        trimmed()
            .regex(/^[a-zA-Z0-9-]{1,63}$/, `${field} must be 1 to 63 letters, digits or hyphens`)
            .default(fallback),
    );

/** Fields several modes share, defined once. */
export const FIELDS = {
    boardId: pinterestId('boardId'),
    maxItems: z.preprocess(
        blankToUndefined,
        z
            .number({ error: `maxItems must be a whole number from ${LIMITS.maxItems.min} to ${LIMITS.maxItems.max}` })
            .int(`maxItems must be a whole number from ${LIMITS.maxItems.min} to ${LIMITS.maxItems.max}`)
            .min(LIMITS.maxItems.min, `maxItems must be at least ${LIMITS.maxItems.min}`)
            .max(LIMITS.maxItems.max, `maxItems must be at most ${LIMITS.maxItems.max}`)
            .default(LIMITS.maxItems.default),
    ),
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
    appId: optionalText(trimmed().regex(/^\d+$/, 'appId must be the numeric App ID from developers.pinterest.com')),
    appSecret: secret('appSecret'),
    credentialsStoreName: storeName('credentialsStoreName', DEFAULT_CREDENTIALS_STORE),
    environment: z.preprocess(blankToUndefined, z.enum(ENVIRONMENTS, { error: `environment must be one of: ${ENVIRONMENTS.join(', ')}` }).default('production')),
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

/** Validates raw input against its mode's schema, collecting every problem so the user can fix them all in one go. */
export function parseInput<T extends Record<string, ModeInputDefinition>>(raw: unknown, modes: T): CommonInput & Record<string, unknown> {
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
        throw new UserInputError(['The input must be a JSON object, for example {"mode": "list-boards", "accessToken": "pina_..."}']);
    }
    const fields = { ...((raw ?? {}) as Record<string, unknown>) };
    const names = Object.keys(modes);
    const modeValue = blankToUndefined(fields.mode) ?? DEFAULT_MODE;
    const mode = typeof modeValue === 'string' ? modes[modeValue] : undefined;
    if (!mode) {
        // Still name every other problem, judged against the fields of all modes.
        const everyField = z.object(Object.assign({}, ...Object.values(modes).map((definition) => definition.input.shape)) as z.ZodRawShape).omit({ mode: true });
        const result = everyField.safeParse(fields);
        const others = result.success ? [] : result.error.issues.map(describeIssue);
        throw new UserInputError([`mode must be one of: ${names.join(', ')}`, ...new Set([...others, ...credentialProblems(fields)])]);
    }
    fields.mode = modeValue;

    const result = mode.input.safeParse(fields);
    const problems = [...(result.success ? [] : result.error.issues.map(describeIssue)), ...credentialProblems(fields), ...(mode.inputProblems?.(fields) ?? [])];
    if (problems.length > 0) throw new UserInputError([...new Set(problems)]);
    return result.data as CommonInput & Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.join('.');
    // Our own messages already name the field; zod's generic ones (unknown types) do not.
    if (!field || issue.message.startsWith(field)) return issue.message;
    return `${field}: ${issue.message}`;
}
