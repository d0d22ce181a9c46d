import { z } from 'zod';

import { accountSecret, blankToUndefined, type CommonInput, ENVIRONMENTS, optionalText, trimmed } from './fields.js';
import { PIN_LIMITS } from '../pinterest/limits.js';

/**
 * The Pinterest accounts one run serves. The `accounts` input lists them, each with a label; without it the
 * single-account fields are a list of one, labelled "default". An item that gives only its label (no token) takes
 * its tokens from the credentials store, where the connect-account mode saved them.
 */

export const LABEL_PATTERN = /^[A-Za-z0-9-]{1,40}$/;
/** The label of the one account the single-account fields describe. */
export const DEFAULT_ACCOUNT_LABEL = 'default';

const digits = (field: string, what: string) =>
    optionalText(
        trimmed(`${field} must be ${what} as text of digits`)
            .regex(/^\d+$/, `${field} must be ${what}: digits only`)
            .max(PIN_LIMITS.idDigits, `${field} must be at most ${PIN_LIMITS.idDigits} digits`),
    );

/** One item of `accounts`. Unknown keys are refused: a misspelt `acessToken` would otherwise read the store instead. */
export const accountItemSchema = z.strictObject(
    {
        label: z
            .string({ error: 'label must be text: 1 to 40 letters, digits or hyphens, such as "client-a"' })
            .trim()
            .regex(LABEL_PATTERN, 'label must be 1 to 40 letters, digits or hyphens, such as "client-a"'),
        accessToken: accountSecret('accessToken'),
        refreshToken: accountSecret('refreshToken'),
        appId: digits('appId', 'the numeric App ID from developers.pinterest.com'),
        appSecret: accountSecret('appSecret'),
        environment: z.preprocess(
            blankToUndefined,
            z.enum(ENVIRONMENTS, { error: `environment must be one of: ${ENVIRONMENTS.join(', ')}` }).optional(),
        ),
        adAccountId: digits('adAccountId', 'the ID of a Pinterest ad account'),
    },
    { error: 'each item of accounts must be an object such as {"label": "client-a", "accessToken": "pina_…"}' },
);
type AccountItem = z.infer<typeof accountItemSchema>;
const ITEM_KEYS = Object.keys(accountItemSchema.shape);

/** One account of the run, with the top-level app and environment filled in. */
export interface AccountSpec {
    label: string;
    accessToken?: string;
    refreshToken?: string;
    appId?: string;
    appSecret?: string;
    environment: CommonInput['environment'];
    adAccountId?: string;
    /** Only the label was given: the tokens are in the credentials store (record `labelledCredentialsKey`). */
    fromStore: boolean;
}

const given = (value: unknown) => blankToUndefined(value) !== undefined;

/** The message of an issue inside item `index`, naming it as `accounts[index].key`. */
function itemProblem(index: number, issue: z.core.$ZodIssue): string {
    const key = issue.path[0];
    if (issue.code === 'unrecognized_keys') {
        return `accounts[${index}] has unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}: an account takes ${ITEM_KEYS.join(', ')}`;
    }
    if (typeof key === 'string' && issue.message.startsWith(key)) return `accounts[${index}].${issue.message}`;
    if (typeof key === 'string') return `accounts[${index}].${key}: ${issue.message}`;
    return `accounts[${index}]: ${issue.message}`;
}

/**
 * What is wrong with `accounts` and how it sits with the other credential fields, as sentences naming the item.
 * Undefined when the input has no `accounts` (the single-account rules apply then).
 */
export function accountsProblems(raw: Record<string, unknown>): string[] | undefined {
    const list = blankToUndefined(raw.accounts);
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) return []; // the field's own schema says what it takes
    const problems: string[] = [];
    const topLevelTokens = ['accessToken', 'refreshToken'].filter((field) => given(raw[field]));
    if (topLevelTokens.length > 0) {
        problems.push(
            `${topLevelTokens.join(' and ')} and accounts cannot be given together: put each account's tokens in its accounts item (appId and appSecret may stay at the top level)`,
        );
    }
    const seen = new Map<string, number>();
    list.forEach((item, index) => {
        const parsed = accountItemSchema.safeParse(item);
        if (!parsed.success) {
            problems.push(...parsed.error.issues.map((issue) => itemProblem(index, issue)));
            return;
        }
        const account = parsed.data;
        const key = account.label.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined)
            problems.push(
                `accounts[${index}].label "${account.label}" is also the label of accounts[${first}]: labels must differ (case is ignored)`,
            );
        else seen.set(key, index);
        const app = { appId: account.appId ?? raw.appId, appSecret: account.appSecret ?? raw.appSecret };
        const missingApp = (['appId', 'appSecret'] as const).filter((field) => !given(app[field]));
        if (account.refreshToken && missingApp.length > 0) {
            problems.push(
                `accounts[${index}] (${account.label}) has a refreshToken but no ${missingApp.join(' or ')}: give them in the item or at the top level`,
            );
        }
        if (!account.accessToken && !account.refreshToken && missingApp.length > 0) {
            problems.push(
                `accounts[${index}] (${account.label}) gives no token, so its tokens come from the credentials store, which needs ${missingApp.join(' and ')}: give them in the item or at the top level`,
            );
        }
    });
    return problems;
}

/** The run's accounts: the `accounts` items (already checked by accountsProblems), or the single-account fields as one. */
export function accountsOf(input: CommonInput): AccountSpec[] {
    if (!input.accounts) {
        return [
            {
                label: DEFAULT_ACCOUNT_LABEL,
                accessToken: input.accessToken,
                refreshToken: input.refreshToken,
                appId: input.appId,
                appSecret: input.appSecret,
                environment: input.environment,
                adAccountId: input.adAccountId,
                fromStore: false,
            },
        ];
    }
    return input.accounts.map((item) => {
        const account: AccountItem = accountItemSchema.parse(item);
        return {
            label: account.label,
            accessToken: account.accessToken,
            refreshToken: account.refreshToken,
            appId: account.appId ?? input.appId,
            appSecret: account.appSecret ?? input.appSecret,
            environment: account.environment ?? input.environment,
            adAccountId: account.adAccountId ?? input.adAccountId,
            fromStore: !account.accessToken && !account.refreshToken,
        };
    });
}

/** The secret values of the raw `accounts` items, to register before anything is logged (even from a bad item). */
export function accountSecrets(raw: unknown): string[] {
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((item) => {
        if (typeof item !== 'object' || item === null) return [];
        const record = item as Record<string, unknown>;
        return ['accessToken', 'refreshToken', 'appSecret']
            .map((field) => record[field])
            .filter((value): value is string => typeof value === 'string')
            .map((value) => value.trim());
    });
}
