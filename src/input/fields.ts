import { z } from 'zod';

import { PIN_LIMITS } from '../pinterest/limits.js';
import { ID_OR_URL_PATTERN, type IdKind, looksLikeUrl, pinIdFromUrl, urlInsteadOfId } from './pinterest-url.js';

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
/**
 * Text, trimmed. `typeError` is what the user reads when the value is not text at all (a number, a list): every
 * field says in its own words what it takes, never zod's "expected string, received number".
 */
export const trimmed = (typeError: string) => z.string({ error: typeError }).trim();
/** The usual type error of a text field. */
export const textError = (field: string, example?: string) => `${field} must be text${example ? `, such as ${example}` : ''}`;
/** The type error of a field that takes a date and time. */
export const dateTimeTypeError = (field: string) => `${field} must be a date and time text such as 2026-12-01T09:00`;

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
    return trimmed(message)
        .max(max, `${field} must be at most ${max} characters`)
        .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/\S+$/, { error: message, abort: true })
        .refine((value) => URL.canParse(value), message);
};

export const flag = (field: string, fallback = false) =>
    z.preprocess(blankToUndefined, z.boolean({ error: `${field} must be true or false` }).default(fallback));

/**
 * A Pinterest id (board, section, pin): digits, as a string; a number that JSON kept exact is accepted too. A pin's
 * page address is read for its ID; any other address gets a sentence saying what to give instead (a board's
 * address has no ID in it). The form's pattern lets addresses through, so that this sentence, not a bare pattern
 * message, is what the user reads.
 */
export const pinterestId = (field: string, example = '549755885175', kind?: IdKind) =>
    z.preprocess(
        (value) => {
            if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
            return kind === 'pin' ? pinIdFromUrl(blankToUndefined(value)) : blankToUndefined(value);
        },
        trimmed(`${field} must be a string of digits (put it in quotes: long numbers lose digits in JSON)`)
            .refine((value) => !looksLikeUrl(value), { error: (issue) => urlInsteadOfId(String(issue.input), field, kind), abort: true })
            .regex(/^\d+$/, `${field} must contain digits only, for example "${example}"`)
            // A refinement, not .max(): the form's limit would refuse an address before the Actor could read it.
            .refine((value) => value.length <= PIN_LIMITS.idDigits, `${field} must be at most ${PIN_LIMITS.idDigits} digits, as Pinterest ids are`)
            .meta({ pattern: ID_OR_URL_PATTERN })
            .optional(),
    );

/** A pin ID as users give it: digits, a number JSON kept exact, or the address of the pin's page. */
function toPinId(value: unknown): unknown {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    return typeof value === 'string' ? pinIdFromUrl(value.trim()) : value;
}

/** One pin ID (already read out of a pin's address): digits, within Pinterest's length; any other address is told what to give. */
const pinIdText = (field: string, { list }: { list: boolean }) => {
    const what = list ? `${field} must contain` : `${field} must be`;
    return (
        z
            .string({ error: `${what} pin ids as strings of digits (in quotes: long numbers lose digits in JSON) or pin URLs` })
            .refine((item) => !looksLikeUrl(item), { error: (issue) => urlInsteadOfId(String(issue.input), field, 'pin'), abort: true })
            .regex(/^\d+$/, `${what} digits only (a pin id), for example "813744226420795884", or a pin's address`)
            // A refinement, not .max(): the form's limit would refuse a pin's address before the Actor could read it.
            .refine(
                (item) => item.length <= PIN_LIMITS.idDigits,
                `${field} entries must be at most ${PIN_LIMITS.idDigits} digits, as Pinterest ids are`,
            )
            .meta({ pattern: ID_OR_URL_PATTERN })
    );
};

/** One pin, by id or URL (an item of pinUpdates, say); the value read is the id. */
export const pinReference = (field: string) => z.preprocess(toPinId, pinIdText(field, { list: false }));

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
        trimmed(`${field} must be text: the ${field === 'appSecret' ? 'secret key' : 'token'}, copied as it is`)
            .min(1, `${field} must not be empty`)
            // What an HTTP header shows, and what API docs tell people to send: the Actor adds the prefix itself.
            .refine((value) => !/^bearer\b/i.test(value), { error: `${field} must be the token alone: remove the Bearer prefix`, abort: true })
            .max(MAX_SECRET_LENGTH, `${field} must be at most ${MAX_SECRET_LENGTH} characters (Pinterest tokens are far shorter): copy it again`)
            .regex(/^[\x21-\x7e]*$/, `${field} must be one line of letters, digits and punctuation, without spaces or line breaks: copy it again`),
    );

const storeName = (field: string, fallback: string) =>
    z.preprocess(
        blankToUndefined,
        trimmed(`${field} must be text: a store name of 1 to 63 letters, digits or hyphens`)
            // The platform's rule for storage names (DNS-safe): a name it refuses would fail the run mid-way there.
            .regex(
                /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/,
                `${field} must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`,
            )
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
    boardId: pinterestId('boardId', '549755885175', 'board'),
    /** Instead of boardId: the board's name, as Pinterest shows it. */
    boardName: optionalText(trimmed(textError('boardName', '"Summer Recipes"')).max(180, 'boardName must be at most 180 characters')),
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
            .array(pinIdText('pinIds', { list: true }), {
                error: 'pinIds must be a list of pin ids or pin URLs, for example ["813744226420795884"]',
            })
            .max(LIMITS.pinIds, `pinIds may list at most ${LIMITS.pinIds} pins`)
            .optional(),
    ),
    dryRun: flag('dryRun'),
    createMissingBoards: flag('createMissingBoards'),
    createMissingSections: flag('createMissingSections'),
};

/** Most accounts one run serves: each costs a connection and a preflight request, and a run should end in minutes. */
export const MAX_ACCOUNTS = 50;

/** Every credential field an `accounts` item takes (src/input/accounts.ts reads the items). */
export const accountSecret = (field: string) => secret(field);

/**
 * Several Pinterest accounts, each with its label and its own tokens (or only its label: the tokens come from the
 * credentials store). A secret field, so Apify stores the whole list encrypted; the items are checked one by one in
 * src/input/accounts.ts, whose messages name the item (`accounts[1].label …`).
 */
const accountsField = z.preprocess(
    blankToUndefined,
    z
        .array(z.unknown(), {
            error: 'accounts must be a list of accounts, for example [{"label": "client-a", "accessToken": "pina_…"}, {"label": "client-b"}]',
        })
        .min(1, 'accounts must list at least one account, or be left out')
        .max(MAX_ACCOUNTS, `accounts may list at most ${MAX_ACCOUNTS} accounts; split them over several tasks`)
        .optional(),
);

/** What every mode takes: who to act as, and where. */
export const commonInputShape = {
    accounts: accountsField,
    accessToken: secret('accessToken'),
    refreshToken: secret('refreshToken'),
    appId: optionalText(
        trimmed('appId must be the numeric App ID from developers.pinterest.com, as text such as "1234567"')
            .regex(/^\d+$/, 'appId must be the numeric App ID from developers.pinterest.com')
            .max(PIN_LIMITS.idDigits, `appId must be at most ${PIN_LIMITS.idDigits} digits, as Pinterest App IDs are`),
    ),
    appSecret: secret('appSecret'),
    /** Business Access: act on the Pinterest account that owns this ad account (sent as `ad_account_id`). */
    adAccountId: pinterestId('adAccountId', '549755885175'),
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
