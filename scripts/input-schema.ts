/**
 * `npm run schema`: writes .actor/input_schema.json from the modes' zod schemas (src/modes/index.ts) and the
 * Console form's presentation (src/input/console-form.ts). The file is generated, never edited by hand;
 * test/unit/input-schema.test.ts fails when the committed file differs from what this writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { format, resolveConfig } from 'prettier';

import { CONSOLE_FORM } from '../src/input/console-form.js';
import { consoleInputSchema } from '../src/input/console-schema.js';
import { MODE_HANDLERS } from '../src/modes/index.js';

export const INPUT_SCHEMA_FILE = fileURLToPath(new URL('../.actor/input_schema.json', import.meta.url));

/** The input schema as the file holds it: generated, then formatted like every other .actor/*.json. */
export async function renderInputSchema(): Promise<string> {
    const text = JSON.stringify(consoleInputSchema(MODE_HANDLERS, CONSOLE_FORM));
    return format(text, { ...(await resolveConfig(INPUT_SCHEMA_FILE)), filepath: INPUT_SCHEMA_FILE });
}

/** The committed file, for comparing with what the generator makes now. */
export const readInputSchemaFile = () => readFile(INPUT_SCHEMA_FILE, 'utf8');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    await writeFile(INPUT_SCHEMA_FILE, await renderInputSchema());
    console.warn(`Wrote ${INPUT_SCHEMA_FILE}.`);
}
