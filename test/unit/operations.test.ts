import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { OPERATIONS } from '../../src/pinterest/operations.js';
import { SUBSET_PATH } from '../emulator/openapi/extract-subset.js';

type Json = Record<string, unknown>;

/** The committed cut of Pinterest's OpenAPI description (regenerated from the full one, and checked against it). */
const spec = JSON.parse(readFileSync(SUBSET_PATH, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };

function describedOperation(method: string, path: string): Json {
    const operation = spec.paths[`/${path}`]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} /${path} is not in the OpenAPI subset`);
    return operation;
}

function queryParameters(operation: Json): string[] {
    const parameters = (operation.parameters ?? []) as Json[];
    return parameters.map((parameter) => {
        const ref = typeof parameter.$ref === 'string' ? parameter.$ref.split('/').at(-1)! : undefined;
        const resolved = ref ? ((spec.components.parameters as Json)[ref] as Json) : parameter;
        return resolved.in === 'query' ? String(resolved.name) : '';
    });
}

describe.each(Object.entries(OPERATIONS))('%s', (_name, operation) => {
    const described = describedOperation(operation.method, operation.path);

    it('has the id, method, path and rate-limit category of the description', () => {
        expect(described.operationId).toBe(operation.id);
        expect(described['x-ratelimit-category']).toBe(operation.category);
    });

    it('needs the scopes its security names', () => {
        const security = (described.security ?? []) as Record<string, string[]>[];
        const oauth = security.find((alternative) => 'pinterest_oauth2' in alternative)?.pinterest_oauth2 ?? [];
        expect([...operation.scopes].sort()).toEqual([...oauth].sort());
    });

    it('takes ad_account_id exactly when the description says so', () => {
        expect(queryParameters(described).includes('ad_account_id')).toBe(operation.adAccount);
    });

    it('is marked beta exactly when the description says it is not available to all apps', () => {
        expect(operation.beta).toBe(/in beta and not available to all apps/i.test(String(described.description ?? '')));
    });
});
