import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

import { ActorError } from '../common/errors.js';
import { accountsProblems } from './accounts.js';
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
    /**
     * Other names the mode understands for some of its fields (alias -> field), such as the names its output rows
     * use: a row copied back as input then loses nothing. Not fields of their own: the Console form does not show them.
     */
    readonly aliases?: Readonly<Record<string, string>>;
    /**
     * False for a mode that works with the app alone (connect-account, which gets an account's tokens): no token is
     * asked for, and the run makes no account check.
     */
    readonly usesAccount?: boolean;
    /**
     * True for a mode that acts on pins or queue entries named by ID, which belong to one account: a run of it may
     * list one account only (run/accounts.ts), since the IDs cannot say whose they are.
     */
    readonly oneAccount?: boolean;
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
    return z.preprocess(blankToUndefined, z.enum(names as [string, ...string[]], { error: modeProblem(names) }).default(DEFAULT_MODE));
}

/** What is wrong with a `mode` value that is not a mode: a near miss names the mode meant. */
function modeProblem(names: readonly string[], value?: unknown): string {
    const meant = typeof value === 'string' ? nearMiss(value.trim(), names) : undefined;
    if (meant) return `mode "${String(value).trim()}" is not a mode: did you mean ${meant}?`;
    return `mode must be one of: ${names.join(', ')}`;
}

/** Every input field of every mode as one flat schema (what the Console form shows), `mode` an enum of the modes. */
export function modeInputFields(modes: Record<string, ModeInputDefinition>) {
    return z.object({ mode: modeField(Object.keys(modes)), ...mergeModeFields(modes) });
}

/** Rules spanning the common fields. */
function credentialProblems(raw: Record<string, unknown>): string[] {
    // With `accounts`, each item carries its own credentials (src/input/accounts.ts).
    const accounts = accountsProblems(raw);
    if (accounts) return accounts;
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

/** A mode that works with the app alone connects no account: a list of accounts would be silently unused. */
function accountlessProblems(raw: Record<string, unknown>): string[] {
    return raw.accounts === undefined ? [] : [`accounts is not used by ${String(raw.mode)}, which works with the app alone: remove it`];
}

export interface ParseInputOptions {
    /** Told once about fields no mode knows (and that are not a near miss of one): they are ignored. */
    warn?: (message: string) => void;
}

/** A name without case and word separators: `publish_at`, `Publish-At` and `publishAt` are one name. */
const squash = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/**
 * The known name an unknown one was probably meant to be: the same letters in another case or with other word
 * separators (snake_case, kebab-case), one or two letters off, or the start of exactly one known name.
 */
export function nearMiss(field: string, known: readonly string[]): string | undefined {
    const wanted = squash(field);
    const sameLetters = known.find((name) => squash(name) === wanted);
    if (sameLetters) return sameLetters;
    // Two edits would turn many short names into each other; they are allowed only for longer names. Levenshtein
    // counts two swapped letters as two edits: between names of the same letters, they count as one.
    const allowed = (name: string) => (Math.min(name.length, field.length) <= 4 ? 1 : 2);
    const letters = (text: string) => [...text].sort().join('');
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const other = squash(name);
        const edits = distance(wanted, other) - (letters(wanted) === letters(other) ? 1 : 0);
        if (edits <= allowed(name) && (!best || edits < best.distance)) best = { name, distance: edits };
    }
    if (best) return best.name;
    // `interval` for intervalMinutes, `video` for videoUrl: a word long enough to mean one name only.
    const started = wanted.length >= 5 ? known.filter((name) => squash(name).startsWith(wanted)) : [];
    return started.length === 1 ? started[0] : undefined;
}

/**
 * The names of an object's keys that are unknown: near misses of a known name (`{key, meant}`), and the rest.
 * `known` may include aliases; `canonical` turns a name into the field it stands for, for the message.
 */
export function unknownKeys(
    object: Record<string, unknown>,
    known: readonly string[],
    canonical: (name: string) => string = (name) => name,
): { misses: { key: string; meant: string }[]; others: string[] } {
    const misses: { key: string; meant: string }[] = [];
    const others: string[] = [];
    for (const key of Object.keys(object)) {
        if (known.includes(key)) continue;
        const meant = nearMiss(key, known);
        if (meant) misses.push({ key, meant: canonical(meant) });
        else others.push(key);
    }
    return { misses, others };
}

export const didYouMean = ({ key, meant }: { key: string; meant: string }) => `unknown field ${key}: did you mean ${meant}?`;

/**
 * Writes each alias given in `fields` as the field it stands for, and says where an alias and its field were both
 * given with different values (which one was meant is anyone's guess).
 */
export function applyAliases(fields: Record<string, unknown>, aliases: Readonly<Record<string, string>> | undefined): string[] {
    const problems: string[] = [];
    for (const [alias, field] of Object.entries(aliases ?? {})) {
        const value = blankToUndefined(fields[alias]);
        delete fields[alias];
        if (value === undefined) continue;
        const current = blankToUndefined(fields[field]);
        const same = (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'string' ? a.trim() === b.trim() : a === b);
        if (current !== undefined && !same(current, value)) {
            problems.push(`${alias} and ${field} are the same field (${alias} is its name in the output rows), given two different values: keep one`);
        } else fields[field] = value;
    }
    return problems;
}

/** Every name a mode understands: its fields (without `mode`) and its aliases. */
const namesOf = (definition: ModeInputDefinition) => [
    ...Object.keys(definition.input.shape).filter((name) => name !== 'mode'),
    ...Object.keys(definition.aliases ?? {}),
];

/**
 * Fields the input has that no mode knows. The Console form sends every field of every mode, so a field known to
 * any mode is fine. A near miss of a known one is an error: ignoring `boardID` would fetch (and charge for) the
 * whole account instead of one board. Anything else is ignored with one warning.
 */
function unknownFieldProblems(fields: Record<string, unknown>, modes: Record<string, ModeInputDefinition>, options: ParseInputOptions): string[] {
    const known = [...new Set(['mode', ...Object.values(modes).flatMap(namesOf)])];
    const aliases = Object.assign({}, ...Object.values(modes).map((definition) => definition.aliases ?? {})) as Record<string, string>;
    const { misses, others } = unknownKeys(fields, known, (name) => aliases[name] ?? name);
    if (others.length > 0) {
        options.warn?.(`The input has field${others.length === 1 ? '' : 's'} no mode uses, ignored: ${others.join(', ')}.`);
    }
    return misses.map(didYouMean);
}

/**
 * Without `mode` a run lists boards. Input that carries fields list-boards does not use (a pin to create, a board
 * to read) was meant for another mode: listing boards would ignore them and charge for something not asked for.
 * Fields left at their default do not count, so a form-like input with every switch off still lists boards.
 */
function missingModeProblem(fields: Record<string, unknown>, modes: Record<string, ModeInputDefinition>): string | undefined {
    const fallback = modes[DEFAULT_MODE];
    if (!fallback) return undefined;
    const schemaOf = (name: string) => {
        for (const definition of Object.values(modes)) {
            const field = definition.aliases?.[name] ?? name;
            const schema = (definition.input.shape as Record<string, z.ZodType>)[field];
            if (schema) return schema;
        }
        return undefined;
    };
    const isDefault = (schema: z.ZodType, value: unknown) => {
        const given = schema.safeParse(value);
        return given.success && JSON.stringify(given.data) === JSON.stringify(schema.safeParse(undefined).data);
    };
    // An empty list or object carries nothing either, as templates send them.
    const empty = (value: unknown) =>
        blankToUndefined(value) === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0);
    const own = new Set(namesOf(fallback));
    const foreign = Object.keys(fields).filter((name) => {
        const schema = schemaOf(name);
        return name !== 'mode' && !own.has(name) && schema !== undefined && !empty(fields[name]) && !isDefault(schema, fields[name]);
    });
    if (foreign.length === 0) return undefined;
    const users = (name: string) => Object.keys(modes).filter((mode) => namesOf(modes[mode]!).includes(name));
    const takesAll = Object.keys(modes).filter((mode) => foreign.every((name) => users(name).includes(mode)));
    const ignored = `without a mode the run lists boards and ignores ${foreign.join(', ')}`;
    if (takesAll.length === 1) return `the input has ${takesAll[0]} fields but no mode: add "mode": "${takesAll[0]}" (${ignored})`;
    if (takesAll.length > 1) return `the input has no mode: add "mode" with one of ${takesAll.join(', ')} (${ignored})`;
    const whose = foreign.map((name) => `${name}: ${users(name).join(', ')}`).join('; ');
    return `the input has fields of several modes (${whose}) but no mode: add "mode" with the one you mean (${ignored})`;
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
    const given = blankToUndefined(fields.mode);
    const modeValue = given ?? DEFAULT_MODE;
    const mode = typeof modeValue === 'string' ? modes[modeValue] : undefined;
    const noMode = given === undefined ? missingModeProblem(fields, modes) : undefined;
    if (!mode || noMode) {
        // Still name every other problem, judged against the fields of all modes.
        const result = z.object(mergeModeFields(modes)).safeParse(fields);
        const others = result.success ? [] : result.error.issues.map(describeIssue);
        throw new UserInputError([noMode ?? modeProblem(names, modeValue), ...new Set([...misspelt, ...others, ...credentialProblems(fields)])]);
    }
    fields.mode = modeValue;

    const renamed = applyAliases(fields, mode.aliases);
    const result = mode.input.safeParse(fields);
    const problems = [
        ...misspelt,
        ...renamed,
        ...(result.success ? [] : result.error.issues.map(describeIssue)),
        ...(mode.usesAccount === false ? accountlessProblems(fields) : credentialProblems(fields)),
        ...(mode.inputProblems?.(fields) ?? []),
    ];
    if (problems.length > 0) throw new UserInputError([...new Set(problems)]);
    return result.data as CommonInput & Record<string, unknown>;
}

/** An issue as one sentence naming its field. */
export function describeIssue(issue: z.core.$ZodIssue): string {
    const field = issue.path.join('.');
    // Our own messages already name the field. A message still in zod's words is a schema that forgot to say what
    // it takes: say it in general terms rather than show "Invalid input: expected string, received number".
    if (issue.code === 'invalid_type' && /^Invalid input/.test(issue.message)) {
        return `${field || 'the input'} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    }
    if (!field || issue.message.startsWith(field)) return issue.message;
    // An item of a list: its message names the list, and the item's place goes next to that name (`pinIds[1] must …`).
    const [list, index] = issue.path;
    if (typeof list === 'string' && typeof index === 'number' && issue.path.length === 2 && issue.message.startsWith(list)) {
        return `${list}[${index}]${issue.message.slice(list.length)}`;
    }
    return `${field}: ${issue.message}`;
}

const TYPE_WORDS: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
};
