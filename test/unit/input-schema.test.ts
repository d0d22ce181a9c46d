/**
 * `.actor/input_schema.json` (the Console form, and the platform's check before a run starts) must say the
 * same as the zod schema in src/input.ts (the Actor's own check). These tests compare the two field by field
 * and, where possible, by behaviour: the JSON schema is compiled with Ajv, which is what the platform uses,
 * and both validators are fed the same values. Changing a limit, an enum or a default in only one of the
 * two places makes a test here fail.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { BOARD_PRIVACY_FILTERS, DEFAULT_CREDENTIALS_STORE, ENVIRONMENTS, LIMITS } from '../../src/input.js';
import { allInputFields as inputSchema, MODES, parseActorInput as parseInput } from '../../src/modes/index.js';

interface JsonField {
    type: 'string' | 'integer' | 'boolean' | 'array' | 'object' | 'number';
    title?: string;
    description?: string;
    editor?: string;
    isSecret?: boolean;
    default?: unknown;
    prefill?: unknown;
    example?: unknown;
    enum?: string[];
    enumTitles?: string[];
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
    nullable?: boolean;
    sectionCaption?: string;
    sectionDescription?: string;
}

interface JsonInputSchema {
    title: string;
    description?: string;
    type: string;
    schemaVersion: number;
    properties: Record<string, JsonField>;
    required?: string[];
}

const json = JSON.parse(readFileSync(new URL('../../.actor/input_schema.json', import.meta.url), 'utf8')) as JsonInputSchema;
const properties = json.properties;
const jsonNames = Object.keys(properties);

const zodFields = inputSchema.shape as unknown as Record<string, z.ZodType>;
const zodNames = Object.keys(zodFields);

/** What the zod schema makes of one field on its own (cross-field rules are not part of this). */
const zodAccepts = (field: string, value: unknown): boolean => {
    const schema = zodFields[field];
    if (!schema) throw new Error(`zod has no field ${field}`);
    return schema.safeParse(value).success;
};

// The platform validates input with Ajv against the input schema; Apify's own keywords (editor, isSecret,
// sectionCaption, prefill, ...) are not JSON Schema, so strict mode is off and they are ignored.
const ajv = new Ajv({ strict: false, allErrors: true });
const platformValidate: ValidateFunction = ajv.compile(json);
const platformAcceptsInput = (input: Record<string, unknown>): boolean => platformValidate(input) === true;
const platformAccepts = (field: string, value: unknown): boolean => platformAcceptsInput({ [field]: value });

/** A value of exactly `length` characters that is otherwise valid for the field. */
function valueOfLength(field: string, length: number): string {
    if (/Url$/.test(field)) {
        const prefix = 'https://example.com/';
        return prefix + 'a'.repeat(length - prefix.length);
    }
    return 'a'.repeat(length);
}

const SECRET_FIELDS = ['accessToken', 'refreshToken', 'appSecret'];

describe('input_schema.json: structure', () => {
    it('is an Apify input schema, version 1, with a title and a description', () => {
        expect(json.schemaVersion).toBe(1);
        expect(json.type).toBe('object');
        expect(json.title.trim().length).toBeGreaterThan(0);
        expect(json.description?.trim().length ?? 0).toBeGreaterThan(0);
    });

    it('has exactly the fields of the zod schema', () => {
        expect([...jsonNames].sort()).toEqual([...zodNames].sort());
    });

    it('requires exactly what zod requires on its own (nothing: accessToken OR the refresh trio)', () => {
        const zodRequired = zodNames.filter((name) => !zodAccepts(name, undefined));
        expect([...(json.required ?? [])].sort()).toEqual(zodRequired.sort());
        expect(json.required ?? []).toEqual([]);
    });

    it('gives every field a title and a description a newcomer can act on', () => {
        for (const [name, field] of Object.entries(properties)) {
            expect(field.title?.trim(), `${name}.title`).toBeTruthy();
            expect(field.description?.trim().length ?? 0, `${name}.description`).toBeGreaterThanOrEqual(40);
        }
    });

    it('gives every string field an editor, and a select for every enum', () => {
        for (const [name, field] of Object.entries(properties)) {
            if (field.type !== 'string') continue;
            expect(field.editor, `${name}.editor`).toBeTruthy();
            if (field.enum) expect(field.editor, `${name}.editor`).toBe('select');
            if (field.enumTitles) expect(field.enumTitles, `${name}.enumTitles`).toHaveLength(field.enum?.length ?? -1);
        }
    });

    it('starts with a section, so every field sits in a captioned section', () => {
        expect(properties[jsonNames[0] ?? '']?.sectionCaption).toBeTruthy();
        for (const [name, field] of Object.entries(properties)) {
            if (field.sectionDescription) expect(field.sectionCaption, `${name}.sectionCaption`).toBeTruthy();
        }
    });

    it('compiles as JSON Schema, with patterns valid as Unicode regular expressions', () => {
        expect(typeof platformValidate).toBe('function');
        for (const [name, field] of Object.entries(properties)) {
            if (field.pattern) expect(() => new RegExp(field.pattern as string, 'u'), name).not.toThrow();
        }
    });
});

describe('input_schema.json: secrets', () => {
    it('marks exactly the tokens and the app secret as secret', () => {
        const secret = jsonNames.filter((name) => properties[name]?.isSecret === true);
        expect(secret.sort()).toEqual([...SECRET_FIELDS].sort());
    });

    it('keeps secret fields free of pattern, default, prefill, example and length limits', () => {
        for (const name of SECRET_FIELDS) {
            const field = properties[name];
            expect(field?.type, name).toBe('string');
            expect(['textfield', 'textarea', 'hidden'], name).toContain(field?.editor);
            for (const key of ['pattern', 'default', 'prefill', 'example', 'minLength', 'maxLength'] as const) {
                expect(field?.[key], `${name}.${key}`).toBeUndefined();
            }
        }
    });

    it('leaves no token-, secret- or password-like field unmarked', () => {
        for (const name of jsonNames) {
            if (/token|secret|password/i.test(name)) expect(properties[name]?.isSecret, name).toBe(true);
        }
    });
});

describe('input_schema.json agrees with src/input.ts', () => {
    it('lists the same enum values', () => {
        expect(properties.mode?.enum).toEqual([...MODES]);
        expect(properties.environment?.enum).toEqual([...ENVIRONMENTS]);
        expect(properties.boardPrivacy?.enum).toEqual([...BOARD_PRIVACY_FILTERS]);
    });

    it('accepts every enum value in both validators and rejects an unknown one in both', () => {
        for (const [name, field] of Object.entries(properties)) {
            if (!field.enum) continue;
            for (const value of field.enum) {
                expect(zodAccepts(name, value), `zod ${name}=${value}`).toBe(true);
                expect(platformAccepts(name, value), `platform ${name}=${value}`).toBe(true);
            }
            expect(zodAccepts(name, 'no-such-value'), `zod ${name}`).toBe(false);
            expect(platformAccepts(name, 'no-such-value'), `platform ${name}`).toBe(false);
        }
    });

    it('uses the numeric limits of LIMITS', () => {
        expect(properties.maxItems?.type).toBe('integer');
        expect(properties.maxItems?.minimum).toBe(LIMITS.maxItems.min);
        expect(properties.maxItems?.maximum).toBe(LIMITS.maxItems.max);
        expect(properties.maxItems?.default).toBe(LIMITS.maxItems.default);
    });

    it('uses the length limits of LIMITS', () => {
        expect(properties.pinTitle?.maxLength).toBe(LIMITS.pinTitle);
        expect(properties.pinDescription?.maxLength).toBe(LIMITS.pinDescription);
        expect(properties.altText?.maxLength).toBe(LIMITS.altText);
        expect(properties.linkUrl?.maxLength).toBe(LIMITS.linkUrl);
        expect(properties.imageUrl?.maxLength).toBe(LIMITS.imageUrl);
    });

    it('draws each maxLength where zod draws it: at the limit both accept, one over both reject', () => {
        const limited = jsonNames.filter((name) => properties[name]?.maxLength !== undefined);
        expect(limited.length).toBeGreaterThanOrEqual(5);
        for (const name of limited) {
            const max = properties[name]?.maxLength as number;
            const atLimit = valueOfLength(name, max);
            const overLimit = valueOfLength(name, max + 1);
            expect(zodAccepts(name, atLimit), `zod ${name} at ${max}`).toBe(true);
            expect(platformAccepts(name, atLimit), `platform ${name} at ${max}`).toBe(true);
            expect(zodAccepts(name, overLimit), `zod ${name} at ${max + 1}`).toBe(false);
            expect(platformAccepts(name, overLimit), `platform ${name} at ${max + 1}`).toBe(false);
        }
    });

    it('counts characters the same way: an emoji is one character in both', () => {
        const max = LIMITS.pinTitle;
        expect(zodAccepts('pinTitle', '😀'.repeat(max))).toBe(true);
        expect(platformAccepts('pinTitle', '😀'.repeat(max))).toBe(true);
        expect(zodAccepts('pinTitle', '😀'.repeat(max + 1))).toBe(false);
        expect(platformAccepts('pinTitle', '😀'.repeat(max + 1))).toBe(false);
    });

    it('draws each integer range where zod draws it', () => {
        for (const [name, field] of Object.entries(properties)) {
            if (field.type !== 'integer') continue;
            expect(field.minimum, `${name}.minimum`).toBeDefined();
            expect(field.maximum, `${name}.maximum`).toBeDefined();
            const min = field.minimum as number;
            const max = field.maximum as number;
            for (const [value, ok] of [
                [min, true],
                [max, true],
                [min - 1, false],
                [max + 1, false],
                [min + 0.5, false],
            ] as const) {
                expect(zodAccepts(name, value), `zod ${name}=${value}`).toBe(ok);
                expect(platformAccepts(name, value), `platform ${name}=${value}`).toBe(ok);
            }
        }
    });

    it('has the same defaults: every zod default appears in the JSON, and no other', () => {
        const parsedDefaults = inputSchema.parse({}) as Record<string, unknown>;
        for (const name of zodNames) {
            expect(properties[name]?.default, `${name}.default`).toEqual(parsedDefaults[name]);
        }
        expect(properties.credentialsStoreName?.default).toBe(DEFAULT_CREDENTIALS_STORE);
        expect(properties.mode?.default).toBe('list-boards');
        expect(properties.environment?.default).toBe('production');
    });

    it('gives the same result when the JSON defaults are passed in explicitly (as the platform does)', () => {
        const jsonDefaults = Object.fromEntries(
            Object.entries(properties)
                .filter(([, field]) => field.default !== undefined)
                .map(([name, field]) => [name, field.default]),
        );
        expect(platformAcceptsInput(jsonDefaults)).toBe(true);
        expect(inputSchema.parse(jsonDefaults)).toEqual(inputSchema.parse({}));
    });

    it('accepts and rejects the same values where the JSON has a pattern', () => {
        const samples: Record<string, { ok: string[]; bad: string[] }> = {
            appId: { ok: ['1234567', ' 1234567 ', '', '   '], bad: ['abc', '12a', '12 34', '-1', '1.5'] },
            boardId: {
                ok: ['549755885175', ' 549755885175 ', ''],
                bad: ['my-board', '5497 5588', '1e5', 'https://www.pinterest.com/me/board/'],
            },
            credentialsStoreName: {
                ok: [DEFAULT_CREDENTIALS_STORE, 'client-A-2', 'a', 'x'.repeat(63), 'a-b', '', ' spaced '],
                bad: ['x'.repeat(64), 'my_store', 'my store', 'tokens!', 'über', '-tokens', 'tokens-', '-'],
            },
            imageUrl: {
                ok: ['https://example.com/a.jpg', 'HTTP://EXAMPLE.COM/A.JPG', ' https://example.com/x ', ''],
                bad: ['example.com/a.jpg', 'ftp://example.com/a.jpg', 'https://exa mple.com/a.jpg', 'https:// x', 'https://'],
            },
            startDate: { ok: ['2025-06-01', ' 2025-06-01 ', ''], bad: ['2025-6-1', '06/01/2025', '2025-06-01T00:00', 'yesterday'] },
            endDate: { ok: ['2025-06-30', ''], bad: ['20250630', '2025-06-30Z'] },
            linkUrl: {
                ok: ['https://example.com/recipe?utm_source=pinterest', 'http://example.com', ''],
                bad: ['www.example.com', 'mailto:me@example.com', 'javascript:alert(1)'],
            },
        };
        const withPattern = jsonNames.filter((name) => properties[name]?.pattern !== undefined);
        expect(withPattern.sort()).toEqual(Object.keys(samples).sort());
        for (const [name, { ok, bad }] of Object.entries(samples)) {
            for (const value of ok) {
                expect(zodAccepts(name, value), `zod ${name}=${JSON.stringify(value)}`).toBe(true);
                expect(platformAccepts(name, value), `platform ${name}=${JSON.stringify(value)}`).toBe(true);
            }
            for (const value of bad) {
                expect(zodAccepts(name, value), `zod ${name}=${JSON.stringify(value)}`).toBe(false);
                expect(platformAccepts(name, value), `platform ${name}=${JSON.stringify(value)}`).toBe(false);
            }
        }
    });

    it('treats blank optional text as "not given" in both validators', () => {
        for (const [name, field] of Object.entries(properties)) {
            if (field.type !== 'string' || field.enum) continue;
            expect(zodAccepts(name, ''), `zod ${name}=""`).toBe(true);
            expect(platformAccepts(name, ''), `platform ${name}=""`).toBe(true);
        }
    });

    it('uses the same value types (booleans are booleans, maxItems is a number)', () => {
        for (const [name, field] of Object.entries(properties)) {
            const wrong = field.type === 'string' ? true : 'true';
            expect(zodAccepts(name, wrong), `zod ${name}=${JSON.stringify(wrong)}`).toBe(false);
            expect(platformAccepts(name, wrong), `platform ${name}=${JSON.stringify(wrong)}`).toBe(false);
        }
    });
});

describe('input_schema.json: prefills and examples', () => {
    const samples = Object.entries(properties).flatMap(([name, field]) =>
        (['prefill', 'example'] as const).filter((key) => field[key] !== undefined).map((key) => ({ name, key, value: field[key] })),
    );

    it('has examples for the pin fields (for the Store API tab and for AI agents)', () => {
        const withExample = new Set(samples.map((sample) => sample.name));
        for (const name of ['boardId', 'pinTitle', 'pinDescription', 'imageUrl', 'linkUrl', 'altText']) {
            expect(withExample.has(name), name).toBe(true);
        }
    });

    it.each(samples)('zod and the platform accept the $key of $name', ({ name, value }) => {
        expect(zodAccepts(name, value)).toBe(true);
        expect(platformAccepts(name, value)).toBe(true);
    });

    it('makes a valid create-pin input when the examples are put together', () => {
        // appId's example only makes sense with the other two refresh fields, which as secrets carry no example.
        const input: Record<string, unknown> = {
            mode: 'create-pin',
            accessToken: 'pina_example',
            refreshToken: 'pinr_example',
            appSecret: 'example-app-secret',
        };
        for (const { name, value } of samples) input[name] = value;
        expect(platformAcceptsInput(input)).toBe(true);
        const parsed = parseInput(input);
        expect(parsed.mode).toBe('create-pin');
        expect(parsed.boardId).toBe(properties.boardId?.example);
    });
});
