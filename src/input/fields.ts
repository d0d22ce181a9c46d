import { z } from 'zod';

import { PIN_LIMITS } from '../pinterest/limits.js';

/**
 * The Actor's input contract. Each mode declares its own input schema (in its file under src/modes) from the
 * shared fields below, and the dispatch table joins them into one schema discriminated by `mode`.
 * `.actor/input_schema.json` (the Console form) is generated from these schemas by `npm run schema`
 * (src/input/console-schema.ts): types, limits, patterns, enums and defaults come from here, only the wording
 * from src/input/console-form.ts.
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
    /** Pins named one by one (pinIds): each costs a request or more, and a run should end in minutes. */
    pinIds: 1_000,
} as const;

export const DEFAULT_CREDENTIALS_STORE = 'pinterest-credentials';

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

/**
 * The scheme is spelt out in both cases rather than with the `i` flag, because the pattern is also the Console
 * form's (JSON Schema patterns have no flags); URL.canParse then catches what a pattern cannot.
 */
export const httpUrl = (field: string, max: number, example = exampleUrl(field)) => {
    const message = `${field} must be a full http(s) URL, for example ${example}`;
    return trimmed()
        .max(max, `${field} must be at most ${max} characters`)
        .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/\S+$/, { error: message, abort: true })
        .refine((value) => URL.canParse(value), message);
};

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

/**
 * A pin as users copy it: its id, or its address on any Pinterest host (www., a country's subdomain or domain),
 * `/pin/<id>/` with anything after it. The pattern is also the Console form's, so the scheme is spelt out in both
 * cases (JSON Schema patterns have no flags) and the id's 20 digits are part of it.
 */
const PIN_ID_OR_URL =
    /^(?:\d{1,20}|[Hh][Tt][Tt][Pp][Ss]?:\/\/(?:[A-Za-z0-9-]+\.)*pinterest\.[A-Za-z]{2,3}(?:\.[A-Za-z]{2})?\/pin\/\d{1,20}(?:[/?#]\S*)?)$/;
const PIN_ID_IN_URL = /^[^:]+:\/\/[^/]+\/pin\/(\d{1,20})(?:[/?#]|$)/;

/** A pin URL becomes its id; numbers that JSON kept exact become digits; anything else is left for the check. */
function toPinId(value: unknown): unknown {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value !== 'string') return value;
    const text = value.trim();
    return PIN_ID_OR_URL.test(text) ? (PIN_ID_IN_URL.exec(text)?.[1] ?? text) : text;
}

const pinIdOrUrl = (field: string, { list }: { list: boolean }) => {
    const what = list ? `${field} must contain` : `${field} must be`;
    return z
        .string({ error: `${what} pin ids as strings of digits (in quotes: long numbers lose digits in JSON) or pin URLs` })
        .regex(
            PIN_ID_OR_URL,
            `${what} digits only (a pin id of up to ${PIN_LIMITS.idDigits} digits) or a pin URL, for example "813744226420795884" or "https://www.pinterest.com/pin/813744226420795884/"`,
        );
};

/** One pin, by id or URL (an item of pinUpdates, say); the value read is the id. */
export const pinReference = (field: string) => z.preprocess(toPinId, pinIdOrUrl(field, { list: false }));

/** Pinterest tokens are about 100 characters; anything this long is a paste gone wrong, not a token. */
export const MAX_SECRET_LENGTH = 2000;

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

/**
 * A token or app secret. It goes into an HTTP header, where a line break would be refused (or, worse, start a new
 * header), so only printable ASCII without spaces is accepted, checked before any request. Messages never echo it.
 */
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
            .regex(/^[a-zA-Z0-9-]{1,63}$/, `${field} must be 1 to 63 letters, digits or hyphens`)
            .default(fallback),
    );

/**
 * Lists whose items are read one by one when the run reaches them, so that one bad item fails only itself and
 * never the whole input: the fields each item takes. The Console form describes them without enforcing them.
 */
const listItemFields = new WeakMap<z.ZodType, z.ZodRawShape>();
export function withItemFields<T extends z.ZodType>(list: T, fields: z.ZodRawShape): T {
    listItemFields.set(list, fields);
    return list;
}
export const itemFieldsOf = (list: z.ZodType): z.ZodRawShape | undefined => listItemFields.get(list);

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
    /** Pins by id or by URL (https://www.pinterest.com/pin/123/); the values read are ids. */
    pinIds: z.preprocess(
        (value) => (Array.isArray(value) ? value.map(toPinId).filter((item) => item !== '') : blankToUndefined(value)),
        z
            .array(pinIdOrUrl('pinIds', { list: true }), {
                error: 'pinIds must be a list of pin ids or pin URLs, for example ["813744226420795884"]',
            })
            .max(LIMITS.pinIds, `pinIds may list at most ${LIMITS.pinIds} pins`)
            .optional(),
    ),
    dryRun: flag('dryRun'),
    createMissingBoards: flag('createMissingBoards'),
    createMissingSections: flag('createMissingSections'),
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
