import { z } from 'zod';

import { ActorError } from './errors.js';

/**
 * The Actor's input contract, and the single source of truth for validating it.
 * `.actor/input_schema.json` mirrors these fields for the Console form; `test/unit/input-schema.test.ts`
 * keeps the two in agreement (names, limits, enum values, defaults).
 */

export const MODES = ['list-boards', 'create-pin', 'get-user-pins'] as const;
export const ENVIRONMENTS = ['production', 'sandbox'] as const;
/** The `privacy` filter of `GET /boards` (BoardPrivacyFilter in the OpenAPI description). */
export const BOARD_PRIVACY_FILTERS = ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET'] as const;

export const LIMITS = {
    maxItems: { min: 1, max: 10_000, default: 25 },
    pinTitle: 100,
    pinDescription: 800,
    altText: 500,
    linkUrl: 2048,
    imageUrl: 2048,
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
const blankToUndefined = (value: unknown) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value);
const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const trimmed = (params?: { error: string }) => z.string(params).trim();

const httpUrl = (field: string, max: number) =>
    trimmed()
        .max(max, `${field} must be at most ${max} characters`)
        .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), `${field} must be a full http(s) URL, for example https://example.com/image.jpg`);

const secret = (field: string) => optionalText(trimmed().min(1, `${field} must not be empty`));

export const inputSchema = z.object({
        mode: z.preprocess(blankToUndefined, z.enum(MODES, { error: `mode must be one of: ${MODES.join(', ')}` }).default('list-boards')),

        accessToken: secret('accessToken'),
        refreshToken: secret('refreshToken'),
        appId: optionalText(trimmed().regex(/^\d+$/, 'appId must be the numeric App ID from developers.pinterest.com')),
        appSecret: secret('appSecret'),
        credentialsStoreName: z.preprocess(
            blankToUndefined,
            trimmed()
                .regex(/^[a-zA-Z0-9-]{1,63}$/, 'credentialsStoreName must be 1 to 63 letters, digits or hyphens')
                .default(DEFAULT_CREDENTIALS_STORE),
        ),
        environment: z.preprocess(
            blankToUndefined,
            z.enum(ENVIRONMENTS, { error: `environment must be one of: ${ENVIRONMENTS.join(', ')}` }).default('production'),
        ),
        skipPreflight: z.preprocess(blankToUndefined, z.boolean({ error: 'skipPreflight must be true or false' }).default(false)),

        boardId: z.preprocess(
            (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : blankToUndefined(value)),
            trimmed({ error: 'boardId must be a string of digits (put it in quotes: long numbers lose digits in JSON)' })
                .regex(/^\d+$/, 'boardId must contain digits only, for example "549755885175"')
                .optional(),
        ),
        pinTitle: optionalText(trimmed().max(LIMITS.pinTitle, `pinTitle must be at most ${LIMITS.pinTitle} characters`)),
        pinDescription: optionalText(
            trimmed().max(LIMITS.pinDescription, `pinDescription must be at most ${LIMITS.pinDescription} characters`),
        ),
        imageUrl: optionalText(httpUrl('imageUrl', LIMITS.imageUrl)),
        linkUrl: optionalText(httpUrl('linkUrl', LIMITS.linkUrl)),
        altText: optionalText(trimmed().max(LIMITS.altText, `altText must be at most ${LIMITS.altText} characters`)),

        maxItems: z.preprocess(
            blankToUndefined,
            z
                .number({ error: `maxItems must be a whole number from ${LIMITS.maxItems.min} to ${LIMITS.maxItems.max}` })
                .int(`maxItems must be a whole number from ${LIMITS.maxItems.min} to ${LIMITS.maxItems.max}`)
                .min(LIMITS.maxItems.min, `maxItems must be at least ${LIMITS.maxItems.min}`)
                .max(LIMITS.maxItems.max, `maxItems must be at most ${LIMITS.maxItems.max}`)
                .default(LIMITS.maxItems.default),
        ),
        includeMetrics: z.preprocess(blankToUndefined, z.boolean({ error: 'includeMetrics must be true or false' }).default(false)),
        boardPrivacy: z.preprocess(
            (value) => blankToUndefined(typeof value === 'string' ? value.toUpperCase() : value),
            z.enum(BOARD_PRIVACY_FILTERS, { error: `boardPrivacy must be one of: ${BOARD_PRIVACY_FILTERS.join(', ')}` }).optional(),
        ),
    });

export type ActorInput = z.infer<typeof inputSchema>;
export type Mode = ActorInput['mode'];

/**
 * Rules that span fields. They read the raw input (blank = absent) rather than the parsed one so that they
 * are reported together with field errors: one run names every problem at once.
 */
function crossFieldProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
    const problems: string[] = [];

    // A half-given refresh setup would work today and silently stop when the access token expires: say so now.
    const refreshFields = ['refreshToken', 'appId', 'appSecret'];
    const missing = refreshFields.filter((field) => !given(field));
    if (missing.length > 0 && missing.length < refreshFields.length) {
        problems.push(`refreshToken, appId and appSecret work only together: add ${missing.join(' and ')}, or leave all three empty`);
    } else if (missing.length === refreshFields.length && !given('accessToken')) {
        problems.push('accessToken is required (or give refreshToken, appId and appSecret so the Actor can get one)');
    }

    if ((blankToUndefined(raw.mode) ?? 'list-boards') === 'create-pin') {
        for (const field of ['boardId', 'pinTitle', 'imageUrl']) {
            if (!given(field)) problems.push(`${field} is required for mode create-pin`);
        }
    }
    return problems;
}

/** Validates raw input, collecting every problem so the user can fix them all in one go. */
export function parseInput(raw: unknown): ActorInput {
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
        throw new UserInputError(['The input must be a JSON object, for example {"mode": "list-boards", "accessToken": "pina_..."}']);
    }
    const fields = (raw ?? {}) as Record<string, unknown>;
    const result = inputSchema.safeParse(fields);
    const problems = [...(result.success ? [] : result.error.issues.map(describeIssue)), ...crossFieldProblems(fields)];
    if (problems.length > 0) throw new UserInputError([...new Set(problems)]);
    return result.data as ActorInput;
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.join('.');
    // Our own messages already name the field; zod's generic ones (unknown types) do not.
    if (!field || issue.message.startsWith(field)) return issue.message;
    return `${field}: ${issue.message}`;
}
