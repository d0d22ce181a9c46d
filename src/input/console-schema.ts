import { z } from 'zod';

import { scopesFor, type Operation } from '../pinterest/operations.js';
import { itemFieldsOf } from './fields.js';
import { modeInputFields, type ModeInputDefinition } from './parse.js';

/**
 * Builds `.actor/input_schema.json` (the Console form, the platform's check before a run, and what an AI agent
 * reads through Apify's MCP server) from the modes' zod schemas and a presentation overlay (console-form.ts).
 * Types, limits, patterns, enums and defaults come from zod (`z.toJSONSchema` of each field's output side);
 * the overlay only says how a field looks: title, words, editor, section, example. `npm run schema` writes it.
 */

/** What the generator needs of a mode: what its defineMode declares. */
export interface ConsoleMode extends ModeInputDefinition {
    readonly title: string;
    readonly description: string;
    readonly operations: readonly Operation[];
}

/** How one field looks in the form. Nothing a validator checks belongs here: that is the zod schema's. */
export interface FieldPresentation {
    readonly title: string;
    /** What the field does and when to use it. The generator adds the modes it serves and its limits. */
    readonly description: string;
    /** Only where the type's usual editor does not fit (textarea, datepicker, schemaBased, ...). */
    readonly editor?: string;
    /** A title for each enum value (of the items, for a list), keyed by value. */
    readonly enumTitles?: Readonly<Record<string, string>>;
    readonly example?: unknown;
    readonly prefill?: unknown;
    readonly unit?: string;
    readonly dateType?: 'absolute';
    /** Stored encrypted by the platform, which then allows no pattern, limits, default or example on it. */
    readonly isSecret?: true;
    /** An object field's keys: a title and a description each. */
    readonly keys?: Readonly<Record<string, { readonly title: string; readonly description: string }>>;
}

export interface FormSection {
    readonly caption: string;
    readonly description?: string;
    /** In the order the form shows them. */
    readonly fields: Readonly<Record<string, FieldPresentation>>;
}

export interface ConsoleForm {
    readonly title: string;
    readonly description: string;
    readonly sections: readonly FormSection[];
}

type Json = Record<string, unknown>;

/** The input schema for these modes, presented as the form says. Throws when the two do not fit together. */
export function consoleInputSchema(modes: Readonly<Record<string, ConsoleMode>>, form: ConsoleForm): Json {
    const fields = modeInputFields(modes).shape as Record<string, z.ZodType>;
    checkEveryFieldPresented(fields, modes, form);
    const properties: Record<string, Json> = {};
    for (const section of form.sections) {
        Object.entries(section.fields).forEach(([name, presentation], index) => {
            const schema = fields[name] as z.ZodType;
            // The mode list is the handler table's: each mode's title and description come from its defineMode.
            const look =
                name === 'mode'
                    ? { ...presentation, enumTitles: Object.fromEntries(Object.entries(modes).map(([mode, { title }]) => [mode, title])) }
                    : presentation;
            const description = name === 'mode' ? modeDescription(look, modes) : fieldDescription(name, schema, look, modes);
            properties[name] = {
                ...(name === 'mode' ? preselected(fieldJson(name, schema, look, description)) : fieldJson(name, schema, look, description)),
                ...(index === 0 ? { sectionCaption: section.caption, sectionDescription: section.description } : {}),
            };
        });
    }
    return dropUndefined({
        title: form.title,
        description: form.description,
        type: 'object',
        schemaVersion: 1,
        properties,
        required: Object.keys(properties).filter((name) => !fields[name]?.safeParse(undefined).success),
    });
}

/** The modes whose input has the field, in the handler table's order. */
export function modesOfField(field: string, modes: Readonly<Record<string, ModeInputDefinition>>): string[] {
    return Object.entries(modes)
        .filter(([, mode]) => field in mode.input.shape)
        .map(([name]) => name);
}

function checkEveryFieldPresented(fields: Record<string, z.ZodType>, modes: Readonly<Record<string, ConsoleMode>>, form: ConsoleForm): void {
    const presented = form.sections.flatMap((section) => Object.keys(section.fields));
    const twice = presented.filter((name, index) => presented.indexOf(name) !== index);
    if (twice.length > 0) throw new Error(`The Console form (src/input/console-form.ts) shows ${twice.join(', ')} in more than one section.`);
    const missing = Object.keys(fields).filter((name) => !presented.includes(name));
    if (missing.length > 0) {
        const which = missing
            .map((name) => {
                const users = modesOfField(name, modes);
                return `${name} (mode${users.length === 1 ? '' : 's'} ${users.join(', ')})`;
            })
            .join(', ');
        throw new Error(
            `Input field ${which} has no place in the Console form: add its title and description to a section of src/input/console-form.ts.`,
        );
    }
    const unknown = presented.filter((name) => !(name in fields));
    if (unknown.length > 0)
        throw new Error(`The Console form (src/input/console-form.ts) shows ${unknown.join(', ')}, which no mode takes: remove it.`);
}

function modeDescription(look: FieldPresentation, modes: Readonly<Record<string, ConsoleMode>>): string {
    const lines = Object.entries(modes).map(([name, mode]) => {
        const scopes = scopesFor(mode.operations);
        const needs = scopes.length > 0 ? ` Scopes: ${scopes.map((scope) => `<code>${scope}</code>`).join(', ')}.` : '';
        return `<b>${name}</b>: ${mode.description}${needs}`;
    });
    return [look.description, ...lines].join('<br>');
}

function fieldDescription(name: string, schema: z.ZodType, look: FieldPresentation, modes: Readonly<Record<string, ConsoleMode>>): string {
    const users = modesOfField(name, modes);
    const usedBy = users.length === Object.keys(modes).length ? 'All modes.' : `Mode${users.length === 1 ? '' : 's'}: ${users.join(', ')}.`;
    const json = outputJsonSchema(schema);
    const itemFields = itemFieldsOf(schema);
    return [usedBy, look.description, limitsSentence(json), itemFields ? itemKeysSentence(itemFields) : ''].filter(Boolean).join(' ');
}

/** The JSON Schema of what zod makes of a value (the output side of the `z.preprocess` pipes), without `$schema`. */
function outputJsonSchema(schema: z.ZodType): Json {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'output' }) as Json;
    return json;
}

const count = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value));

/** The limits zod sets, in words, for readers of the form (the platform reads them from the keywords). */
function limitsSentence(json: Json): string {
    const { minimum, maximum, minItems, maxItems, maxLength } = json;
    if (minimum !== undefined && maximum !== undefined) return `From ${count(minimum)} to ${count(maximum)}.`;
    if (maxLength !== undefined) return `At most ${count(maxLength)} characters.`;
    if (minItems !== undefined && maxItems !== undefined) return `${count(minItems)} to ${count(maxItems)} items.`;
    if (maxItems !== undefined) return `At most ${count(maxItems)} items.`;
    return '';
}

/** One value's type and limits in words, for the keys of list items (which the form describes, not checks). */
function describeValue(json: Json): string {
    if (json.type === 'array') {
        const size = json.minItems !== undefined && json.maxItems !== undefined ? `${count(json.minItems)} to ${count(json.maxItems)} ` : '';
        const items = json.items as Json | undefined;
        return `a list of ${size}items${items?.type ? `, each ${describeValue(items)}` : ''}`;
    }
    if (Array.isArray(json.enum)) return `one of ${json.enum.join(', ')}`;
    const noun = json.type === 'integer' ? 'a whole number' : json.type === 'boolean' ? 'true or false' : `a ${String(json.type)}`;
    if (json.minimum !== undefined && json.maximum !== undefined) return `${noun} from ${count(json.minimum)} to ${count(json.maximum)}`;
    if (json.maxLength !== undefined) return `${noun} of at most ${count(json.maxLength)} characters`;
    return noun;
}

function itemKeysSentence(fields: z.ZodRawShape): string {
    const keys = Object.entries(fields).map(([key, schema]) => `<code>${key}</code> (${describeValue(outputJsonSchema(schema as z.ZodType))})`);
    return `Each item is an object with the keys ${keys.join(', ')}. Items are checked one by one when the run reaches them: a bad one gets a failed row and the others go ahead.`;
}

/** The usual editor for a value of this type. */
function defaultEditor(json: Json): string {
    const items = json.items as Json | undefined;
    switch (json.type) {
        case 'string':
            return json.enum ? 'select' : 'textfield';
        case 'boolean':
            return 'checkbox';
        case 'integer':
        case 'number':
            return 'number';
        case 'array':
            return items?.enum ? 'select' : items?.type === 'string' ? 'stringList' : 'json';
        default:
            return 'json';
    }
}

/**
 * The Actor trims text and takes a blank field as not given, so the form's pattern allows surrounding spaces,
 * and a blank value where the field accepts one. A zod pattern must be anchored at both ends to be wrapped.
 */
function tolerantPattern(name: string, pattern: string, blankAllowed: boolean): string {
    if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) {
        throw new Error(`The pattern of input field ${name} (${pattern}) must start with ^ and end with $ to become the form's pattern.`);
    }
    return `^\\s*(?:${pattern.slice(1, -1)})${blankAllowed ? '?' : ''}\\s*$`;
}

/** The schema inside the wrappers: preprocess pipes, optional, default, nullable. */
function innermost(schema: z.ZodType): z.ZodType {
    const def = schema._zod.def as { type: string; out?: z.ZodType; innerType?: z.ZodType };
    if (def.type === 'pipe' && def.out) return innermost(def.out);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) return innermost(def.innerType);
    return schema;
}

/** The message of the field's regex check: the form shows the Actor's own words when the pattern fails. */
function patternMessage(schema: z.ZodType): string | undefined {
    const checks = (innermost(schema)._zod.def as { checks?: { _zod: { def: { format?: string; error?: (issue: never) => unknown } } }[] }).checks;
    const regex = checks?.find((check) => check._zod.def.format === 'regex')?._zod.def;
    const message = regex?.error?.(undefined as never);
    return typeof message === 'string' ? message : undefined;
}

function withEnumTitles(name: string, json: Json, titles: FieldPresentation['enumTitles']): Json {
    const values = json.enum as string[] | undefined;
    if (!titles) return json;
    if (!values) throw new Error(`The Console form gives enumTitles to input field ${name}, which has no enum.`);
    const missing = values.filter((value) => !(value in titles));
    const extra = Object.keys(titles).filter((value) => !values.includes(value));
    if (missing.length > 0 || extra.length > 0) {
        throw new Error(
            `The Console form's enumTitles of ${name} do not fit its values: missing ${missing.join(', ') || 'none'}, unknown ${extra.join(', ') || 'none'}.`,
        );
    }
    return { ...json, enumTitles: values.map((value) => titles[value]) };
}

/** An object field's keys as sub-fields, which the form shows one by one and the platform checks like zod. */
function subFields(name: string, json: Json, schema: z.ZodType, look: FieldPresentation): Record<string, Json> | undefined {
    const properties = json.properties as Record<string, Json> | undefined;
    if (!properties) return undefined;
    const shape = (innermost(schema) as z.ZodObject).shape as Record<string, z.ZodType>;
    const keys = look.keys ?? {};
    const missing = Object.keys(properties).filter((key) => !(key in keys));
    const extra = Object.keys(keys).filter((key) => !(key in properties));
    if (missing.length > 0 || extra.length > 0) {
        throw new Error(
            `The Console form's keys of ${name} do not fit its schema: missing ${missing.join(', ') || 'none'}, unknown ${extra.join(', ') || 'none'}.`,
        );
    }
    return Object.fromEntries(
        Object.entries(properties).map(([key, property]) => {
            // A key that is an object itself is a JSON editor, described in words and checked by zod: the form has no
            // titles for the keys inside it, which the platform would ask for.
            const { additionalProperties: _strips, properties: _inner, required: _required, propertyNames: _names, pattern, ...rest } = property;
            const nullable = shape[key]?.safeParse(null).success ? true : undefined;
            // As for top-level fields: spaces around the value, and a blank value where zod takes one, pass.
            const tolerant =
                typeof pattern === 'string' ? tolerantPattern(`${name}.${key}`, pattern, Boolean(shape[key]?.safeParse('').success)) : undefined;
            return [
                key,
                dropUndefined({
                    title: keys[key]?.title,
                    ...rest,
                    pattern: tolerant,
                    editor: defaultEditor(property),
                    description: keys[key]?.description,
                    nullable,
                }),
            ];
        }),
    );
}

function fieldJson(name: string, schema: z.ZodType, look: FieldPresentation, description: string): Json {
    const json = outputJsonSchema(schema);
    // zod drops keys it does not know rather than rejecting them; the platform must not reject them either.
    const { additionalProperties: _strips, items, properties: _properties, pattern, ...constraints } = json;
    let itemsJson = items && Object.keys(items).length > 0 ? (items as Json) : undefined;
    if (itemsJson?.pattern) itemsJson = { ...itemsJson, pattern: tolerantPattern(name, String(itemsJson.pattern), false) };
    if (itemsJson) itemsJson = withEnumTitles(name, itemsJson, look.enumTitles);
    const enumJson = itemsJson ? constraints : withEnumTitles(name, constraints, look.enumTitles);
    const blankAllowed = schema.safeParse('').success;
    const field: Json = {
        title: look.title,
        type: json.type,
        editor: look.editor ?? defaultEditor(json),
        dateType: look.dateType,
        isSecret: look.isSecret,
        description,
        ...enumJson,
        pattern: typeof pattern === 'string' ? tolerantPattern(name, pattern, blankAllowed) : undefined,
        errorMessage: typeof pattern === 'string' && patternMessage(schema) ? { pattern: patternMessage(schema) } : undefined,
        items: itemsJson,
        properties: subFields(name, json, schema, look),
        unit: look.unit,
        example: look.example,
        prefill: look.prefill,
        // The platform lets null past only its type check: an enum refuses null whatever nullable says.
        nullable: schema.safeParse(null).success && !json.enum ? true : undefined,
    };
    if (look.isSecret) {
        for (const key of ['pattern', 'errorMessage', 'minLength', 'maxLength', 'default', 'example', 'prefill']) delete field[key];
    }
    return dropUndefined(field);
}

/**
 * The platform (and the SDK, locally) fills a field missing from the input with its default before the run starts,
 * so a mode default would make a run without a mode look like one asking for it: the Actor could no longer tell an
 * input of pin fields without a mode (see parse.ts). The form preselects the default mode instead, and the Actor
 * applies the default itself.
 */
function preselected(field: Json): Json {
    const { default: value, ...rest } = field;
    return { ...rest, prefill: value };
}

function dropUndefined<T extends Json>(json: T): T {
    return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined)) as T;
}
