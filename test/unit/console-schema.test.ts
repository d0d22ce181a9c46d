/**
 * The generator of the Console form (src/input/console-schema.ts) and the merge of the modes' fields: a new mode
 * reaches the form through the handler table alone, and a field defined twice, or not presented, stops the build.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { CONSOLE_FORM } from '../../src/input/console-form.js';
import { type ConsoleForm, consoleInputSchema } from '../../src/input/console-schema.js';
import { FIELDS, modeInputSchema, pinterestId } from '../../src/input/fields.js';
import { mergeModeFields, parseInput } from '../../src/input/parse.js';
import { MODE_HANDLERS } from '../../src/modes/index.js';
import { defineMode } from '../../src/modes/types.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';

type Json = { properties: Record<string, Record<string, unknown>> };

/** A mode as a new file would declare it: board sections of one board. */
const listSections = (shape: z.ZodRawShape) =>
    defineMode({
        title: 'List board sections',
        description: 'Saves the sections of one board.',
        input: modeInputSchema('list-sections', shape),
        operations: [OPERATIONS.listBoardSections],
        run: async () => ({ summary: 'Fetched 0 sections.' }),
    });

describe('mergeModeFields', () => {
    it('takes a field several modes share once, when they share its one definition', () => {
        const merged = mergeModeFields({ ...MODE_HANDLERS, 'list-sections': listSections({ boardId: FIELDS.boardId, maxItems: FIELDS.maxItems }) });
        expect(merged.boardId).toBe(FIELDS.boardId);
        expect(merged.maxItems).toBe(FIELDS.maxItems);
        expect(merged).not.toHaveProperty('mode');
    });

    it('fails, naming the field and both modes, when two modes define one field differently', () => {
        const modes = { ...MODE_HANDLERS, 'list-sections': listSections({ boardId: pinterestId('boardId') }) };
        expect(() => mergeModeFields(modes)).toThrow(
            'Input field boardId is defined twice, differently, by modes create-pin and list-sections: define it once (in FIELDS, src/input/fields.ts, or next to the fields it belongs with) and use that definition in both.',
        );
        // An input for an unknown mode is still judged against every field, so the same rule holds there.
        expect(() => parseInput({ mode: 'nope' }, modes)).toThrow('Input field boardId is defined twice');
    });
});

describe('consoleInputSchema', () => {
    it('puts a new mode into the form from its defineMode: the mode list, its scopes, and the modes of each field', () => {
        const modes = { ...MODE_HANDLERS, 'list-sections': listSections({ boardId: FIELDS.boardId, maxItems: FIELDS.maxItems }) };
        const { properties } = consoleInputSchema(modes, CONSOLE_FORM) as Json;
        expect(properties.mode?.enum).toContain('list-sections');
        expect(properties.mode?.enumTitles).toContain('List board sections');
        expect(properties.mode?.description).toContain('<b>list-sections</b>: Saves the sections of one board. Scopes: <code>boards:read</code>.');
        expect(properties.boardId?.description).toMatch(/^Modes: create-pin, get-user-pins, update-pins, get-pin-analytics, list-sections\. /);
        expect(properties.accessToken?.description).toMatch(/^All modes\. /);
    });

    it('asks for the presentation of a new field, naming it and its mode', () => {
        const modes = { ...MODE_HANDLERS, 'list-sections': listSections({ boardId: FIELDS.boardId, sectionPrefix: z.string().optional() }) };
        expect(() => consoleInputSchema(modes, CONSOLE_FORM)).toThrow(
            'Input field sectionPrefix (mode list-sections) has no place in the Console form: add its title and description to a section of src/input/console-form.ts.',
        );
    });

    it('takes types, limits, patterns, defaults and messages from zod, and only words from the form', () => {
        const modes = {
            'list-sections': listSections({
                sectionId: pinterestId('sectionId', '4321', 'section'),
                depth: z.preprocess((value) => value ?? undefined, z.number().int().min(1).max(9).default(3)),
            }),
        };
        const form: ConsoleForm = {
            title: 'Sections',
            description: 'Lists sections.',
            sections: [
                {
                    caption: 'Everything',
                    fields: {
                        mode: { title: 'Mode', description: 'What to do.' },
                        accessToken: { title: 'Token', description: 'Your token.', isSecret: true },
                        refreshToken: { title: 'Refresh token', description: 'Your refresh token.', isSecret: true },
                        appId: { title: 'App ID', description: 'Your app.' },
                        appSecret: { title: 'App secret', description: 'Your app secret.', isSecret: true },
                        adAccountId: { title: 'Ad account', description: 'Business Access.' },
                        accounts: { title: 'Accounts', description: 'Several accounts.', editor: 'json', isSecret: true },
                        credentialsStoreName: { title: 'Store', description: 'Where tokens go.' },
                        environment: {
                            title: 'Environment',
                            description: 'Which API.',
                            enumTitles: { production: 'Production', sandbox: 'Sandbox' },
                        },
                        skipPreflight: { title: 'Skip check', description: 'No start-up request.' },
                        sectionId: { title: 'Section ID', description: 'The section.' },
                        depth: { title: 'Depth', description: 'How deep.', unit: 'levels' },
                    },
                },
            ],
        };
        const { properties } = consoleInputSchema(modes, form) as Json;
        expect(properties.sectionId).toEqual({
            title: 'Section ID',
            type: 'string',
            editor: 'textfield',
            // The 20-digit limit is the Actor's alone: the form's would refuse an address before the Actor reads it.
            description: 'All modes. The section.',
            // Addresses pass the form's pattern, so that the Actor says what to give instead (or reads a pin's ID out of one).
            pattern: '^\\s*(?:(?:\\d+|[Hh][Tt][Tt][Pp][Ss]?://\\S+))?\\s*$',
            errorMessage: { pattern: 'sectionId must contain digits only, for example "4321"' },
            nullable: true,
        });
        expect(properties.depth).toEqual({
            title: 'Depth',
            type: 'integer',
            editor: 'number',
            description: 'All modes. How deep. From 1 to 9.',
            default: 3,
            minimum: 1,
            maximum: 9,
            unit: 'levels',
            nullable: true,
        });
        expect(properties.accessToken).not.toHaveProperty('pattern');
        expect(properties.accessToken).not.toHaveProperty('maxLength');
        expect(properties.mode?.sectionCaption).toBe('Everything');
    });

    it('refuses a form that shows a field no mode takes, or titles values an enum does not have', () => {
        const stale: ConsoleForm = {
            ...CONSOLE_FORM,
            sections: [...CONSOLE_FORM.sections, { caption: 'Old', fields: { boardURL: { title: 'Board URL', description: 'Gone.' } } }],
        };
        expect(() => consoleInputSchema(MODE_HANDLERS, stale)).toThrow(
            'The Console form (src/input/console-form.ts) shows boardURL, which no mode takes: remove it.',
        );
        const [first, ...rest] = CONSOLE_FORM.sections;
        const wrongTitles: ConsoleForm = {
            ...CONSOLE_FORM,
            sections: [
                ...(first ? [first] : []),
                ...rest.map((section) =>
                    'boardPrivacy' in section.fields
                        ? {
                              ...section,
                              fields: {
                                  ...section.fields,
                                  boardPrivacy: { title: 'Privacy', description: 'Which boards.', enumTitles: { ALL: 'All' } },
                              },
                          }
                        : section,
                ),
            ],
        };
        expect(() => consoleInputSchema(MODE_HANDLERS, wrongTitles)).toThrow(
            "The Console form's enumTitles of boardPrivacy do not fit its values: missing PUBLIC, PROTECTED, SECRET, PUBLIC_AND_SECRET, unknown none.",
        );
    });
});
