/**
 * Loads the committed OpenAPI subset and turns it into request and response validators.
 *
 * OpenAPI 3.0 schemas are not JSON Schema, so every schema is rewritten for Ajv's draft 2019-09 mode:
 * - `nullable: true` becomes a union with `null`;
 * - `discriminator` (with or without `oneOf`) becomes an `if`/`then` dispatch on the discriminator property,
 *   which must then hold one of the mapped values;
 * - `readOnly` properties disappear from request schemas (so sending one is an unknown property) and
 *   `writeOnly` ones from response schemas;
 * - every object in a value position that declares its properties is closed with `unevaluatedProperties: false`
 *   (unknown properties are rejected in requests, and the emulator may not invent any in responses);
 * - OpenAPI-only keywords (`example`, `x-*`, …) are dropped.
 */
import { readFileSync } from 'node:fs';

import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

export type SchemaObject = { [key: string]: unknown };

type Mode = 'request' | 'response';

export type ParamLocation = 'query' | 'path' | 'header' | 'cookie';
export type ScalarKind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'unknown';

export interface CompiledParameter {
    name: string;
    in: ParamLocation;
    required: boolean;
    kind: ScalarKind | 'array';
    itemKind: ScalarKind;
    validate: ValidateFunction;
}

export interface SecurityAlternative {
    /** Scheme name → scopes required (empty for http schemes). */
    schemes: { name: string; type: 'oauth2' | 'basic' | 'bearer'; scopes: string[] }[];
}

export interface RequestBodyInfo {
    required: boolean;
    /** Lower-case media type → validator and the OpenAPI schema (needed to coerce form fields). */
    content: Map<string, { validate: ValidateFunction; schema: SchemaObject }>;
}

export interface OperationInfo {
    operationId: string;
    method: string;
    /** Path template relative to the `/v5` server URL, e.g. `/boards/{board_id}`. */
    path: string;
    regex: RegExp;
    pathParamNames: string[];
    parameters: CompiledParameter[];
    requestBody: RequestBodyInfo | undefined;
    security: SecurityAlternative[];
    rateLimitCategory: string;
    sandbox: string | undefined;
    responses: Map<string, ValidateFunction | null>;
}

export interface LoadedSpec {
    version: string;
    operations: OperationInfo[];
    /** The subset document, with {@link SCHEMA_OVERLAYS} applied. */
    document: SchemaObject;
    /** Follows `$ref`s inside {@link document}. */
    resolveSchema: (schema: SchemaObject) => SchemaObject;
}

/**
 * Request fields the API accepts although the schema does not list them. `continuous_refresh` is described in the
 * text of `POST /oauth/token` (apps created before 2025-09-25 must send it) but is missing from the request schemas.
 */
export const SCHEMA_OVERLAYS: ReadonlyArray<{ schema: string; property: string; definition: SchemaObject }> = [
    {
        schema: 'OauthAccessTokenRequestCode',
        property: 'continuous_refresh',
        definition: { type: 'boolean', description: 'Emulator overlay: described in the operation text only.' },
    },
    {
        schema: 'OauthAccessTokenRequestRefresh',
        property: 'continuous_refresh',
        definition: { type: 'boolean', description: 'Emulator overlay: described in the operation text only.' },
    },
];

const SUBSET_URL = new URL('./openapi/pinterest-api-v5-subset.json', import.meta.url);
const OPENAPI_ONLY_KEYWORDS = new Set(['nullable', 'discriminator', 'readOnly', 'writeOnly', 'example', 'xml', 'externalDocs', 'deprecated']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function isObject(value: unknown): value is SchemaObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
    return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

class SchemaConverter {
    constructor(
        private readonly doc: SchemaObject,
        private readonly mode: Mode,
        readonly rootId: string,
    ) {}

    lookup(ref: string): SchemaObject {
        if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
        let node: unknown = this.doc;
        for (const raw of ref.slice(2).split('/')) {
            const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
            if (!isObject(node)) throw new Error(`Dangling $ref ${ref}`);
            node = node[key];
        }
        if (!isObject(node)) throw new Error(`Dangling $ref ${ref}`);
        return node;
    }

    /** Follows `$ref`s until a concrete schema. */
    resolve(schema: SchemaObject): SchemaObject {
        let current = schema;
        for (let i = 0; typeof current.$ref === 'string'; i++) {
            if (i > 50) throw new Error('Circular $ref chain');
            current = this.lookup(current.$ref);
        }
        return current;
    }

    private target(ref: string): string {
        const prefix = '#/components/schemas/';
        if (!ref.startsWith(prefix)) throw new Error(`Only schema $refs may appear inside schemas, got ${ref}`);
        return `${this.rootId}#/$defs/${ref.slice(prefix.length)}`;
    }

    private hidden(property: unknown): boolean {
        if (!isObject(property)) return false;
        const flag = this.mode === 'request' ? 'readOnly' : 'writeOnly';
        return property[flag] === true || this.resolve(property)[flag] === true;
    }

    /** Whether an object schema lists its properties (and so should be closed to unknown ones). */
    private closed(schema: SchemaObject): boolean {
        const resolved = this.resolve(schema);
        if (resolved.additionalProperties !== undefined) return false;
        if (resolved.type !== undefined && resolved.type !== 'object') return false;
        return ['properties', 'allOf', 'anyOf', 'oneOf', 'discriminator'].some((key) => resolved[key] !== undefined);
    }

    convert(schema: unknown, valuePosition: boolean): SchemaObject {
        if (!isObject(schema)) throw new Error(`Schema expected, got ${JSON.stringify(schema)}`);
        if (typeof schema.$ref === 'string') {
            // OpenAPI 3.0 ignores siblings of $ref.
            const out: SchemaObject = { $ref: this.target(schema.$ref) };
            if (valuePosition && this.closed(schema)) out.unevaluatedProperties = false;
            return out;
        }
        let out: SchemaObject = {};
        const hiddenNames = new Set<string>();
        for (const [key, value] of Object.entries(schema)) {
            if (OPENAPI_ONLY_KEYWORDS.has(key) || key.startsWith('x-')) continue;
            switch (key) {
                case 'properties': {
                    if (!isObject(value)) throw new Error('properties must be an object');
                    const properties: SchemaObject = {};
                    for (const [name, propertySchema] of Object.entries(value)) {
                        if (this.hidden(propertySchema)) hiddenNames.add(name);
                        else properties[name] = this.convert(propertySchema, true);
                    }
                    out.properties = properties;
                    break;
                }
                case 'items':
                    out.items = this.convert(value, true);
                    break;
                case 'additionalProperties':
                    out.additionalProperties = typeof value === 'boolean' ? value : this.convert(value, true);
                    break;
                case 'allOf':
                case 'anyOf':
                case 'oneOf':
                    if (!Array.isArray(value)) throw new Error(`${key} must be an array`);
                    // Overlapping enums under oneOf (pin analytics' standard and video metric lists both hold
                    // IMPRESSION) would reject every shared value; Pinterest accepts them, so they mean anyOf.
                    out[key === 'oneOf' && value.every((member) => isObject(member) && Array.isArray(member.enum)) ? 'anyOf' : key] = value.map(
                        (member) => this.convert(member, false),
                    );
                    break;
                case 'not':
                    out.not = this.convert(value, false);
                    break;
                default:
                    out[key] = value;
            }
        }
        if (Array.isArray(out.required) && hiddenNames.size > 0) {
            out.required = out.required.filter((name) => !hiddenNames.has(String(name)));
            if ((out.required as unknown[]).length === 0) delete out.required;
        }

        const discriminator = schema.discriminator;
        if (isObject(discriminator) && typeof discriminator.propertyName === 'string') {
            const property = discriminator.propertyName;
            const mapping: Record<string, string> = {};
            if (isObject(discriminator.mapping)) {
                for (const [value, ref] of Object.entries(discriminator.mapping)) if (typeof ref === 'string') mapping[value] = ref;
            }
            for (const keyword of ['oneOf', 'anyOf'] as const) {
                const members = schema[keyword];
                if (!Array.isArray(members)) continue;
                for (const member of members) {
                    if (!isObject(member) || typeof member.$ref !== 'string') throw new Error('discriminator members must be $refs');
                    const ref = member.$ref;
                    // Implicit mapping: the component name is the discriminator value.
                    if (!Object.values(mapping).includes(ref)) mapping[ref.slice(ref.lastIndexOf('/') + 1)] = ref;
                }
                delete out[keyword];
            }
            const dispatch: SchemaObject[] = [{ properties: { [property]: { enum: Object.keys(mapping) } } }];
            for (const [value, ref] of Object.entries(mapping)) {
                dispatch.push({
                    if: { properties: { [property]: { const: value } }, required: [property] },
                    then: { $ref: this.target(ref) },
                });
            }
            out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), ...dispatch];
            const required = Array.isArray(out.required) ? out.required : [];
            if (!required.includes(property)) out.required = [...required, property];
        }

        if (schema.nullable === true) {
            const simple = typeof out.type === 'string' && !out.allOf && !out.anyOf && !out.oneOf;
            if (simple) {
                out.type = [out.type, 'null'];
                if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
            } else {
                out = { anyOf: [{ type: 'null' }, out] };
            }
        }
        if (valuePosition && this.closed(schema)) out.unevaluatedProperties = false;
        return out;
    }

    buildRoot(): SchemaObject {
        const components = isObject(this.doc.components) ? this.doc.components : {};
        const schemas = isObject(components.schemas) ? components.schemas : {};
        const defs: SchemaObject = {};
        for (const [name, schema] of Object.entries(schemas)) defs[escapePointer(name)] = this.convert(schema, false);
        return { $id: this.rootId, $defs: defs };
    }
}

/** `date-time` as Pinterest emits it: RFC 3339, but the time zone designator is often missing (UTC implied). */
const LENIENT_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

function createAjv(mode: Mode): Ajv2019 {
    const ajv = new Ajv2019({
        strict: true,
        strictTypes: false,
        strictTuples: false,
        allowUnionTypes: true,
        allErrors: false,
        logger: false,
    });
    addFormats(ajv);
    if (mode === 'response') {
        ajv.addFormat('date-time', {
            type: 'string',
            validate: (value: string) => LENIENT_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.length === 19 ? `${value}Z` : value)),
        });
    }
    return ajv;
}

export function scalarKind(converter: { resolve(schema: SchemaObject): SchemaObject }, schema: unknown): ScalarKind | 'array' {
    if (!isObject(schema)) return 'unknown';
    const resolved = converter.resolve(schema);
    const type = resolved.type;
    if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean' || type === 'object' || type === 'array') return type;
    const allOf = resolved.allOf;
    if (Array.isArray(allOf) && allOf.length === 1) return scalarKind(converter, allOf[0]);
    return 'unknown';
}

function applyOverlays(doc: SchemaObject): void {
    const schemas = (doc.components as SchemaObject).schemas as SchemaObject;
    for (const overlay of SCHEMA_OVERLAYS) {
        const schema = schemas[overlay.schema];
        if (!isObject(schema)) throw new Error(`Overlay target ${overlay.schema} missing`);
        const holder = Array.isArray(schema.allOf) && isObject(schema.allOf[0]) ? schema.allOf[0] : schema;
        const properties = (holder.properties ??= {}) as SchemaObject;
        properties[overlay.property] = overlay.definition;
    }
}

function pathRegex(template: string): { regex: RegExp; names: string[] } {
    const names: string[] = [];
    const pattern = template
        .split('/')
        .map((segment) => {
            const match = /^\{(.+)\}$/.exec(segment);
            if (match?.[1]) {
                names.push(match[1]);
                return '([^/]+)';
            }
            return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
    return { regex: new RegExp(`^${pattern}$`), names };
}

let cached: LoadedSpec | undefined;

export function loadSpec(): LoadedSpec {
    if (cached) return cached;
    const document = JSON.parse(readFileSync(SUBSET_URL, 'utf8')) as SchemaObject;
    applyOverlays(document);
    const requestConverter = new SchemaConverter(document, 'request', 'pinterest-v5-request');
    const responseConverter = new SchemaConverter(document, 'response', 'pinterest-v5-response');
    const requestAjv = createAjv('request');
    const responseAjv = createAjv('response');
    requestAjv.addSchema(requestConverter.buildRoot());
    responseAjv.addSchema(responseConverter.buildRoot());

    const components = document.components as SchemaObject;
    const securitySchemes = (components.securitySchemes ?? {}) as SchemaObject;
    const operations: OperationInfo[] = [];
    for (const [path, pathItemRaw] of Object.entries(document.paths as SchemaObject)) {
        if (!isObject(pathItemRaw)) continue;
        const { regex, names } = pathRegex(`/v5${path}`);
        for (const method of HTTP_METHODS) {
            const op = pathItemRaw[method];
            if (!isObject(op)) continue;
            const rawParams = [
                ...(Array.isArray(pathItemRaw.parameters) ? pathItemRaw.parameters : []),
                ...(Array.isArray(op.parameters) ? op.parameters : []),
            ];
            const parameters: CompiledParameter[] = rawParams.map((raw) => {
                const param = requestConverter.resolve(raw as SchemaObject);
                const schema = isObject(param.schema) ? param.schema : {};
                const kind = scalarKind(requestConverter, schema);
                const items = requestConverter.resolve(schema).items;
                const itemKind = kind === 'array' ? scalarKind(requestConverter, items) : 'unknown';
                return {
                    name: String(param.name),
                    in: param.in as ParamLocation,
                    required: param.required === true,
                    kind,
                    itemKind: itemKind === 'array' ? 'unknown' : itemKind,
                    validate: requestAjv.compile(requestConverter.convert(schema, true)),
                };
            });

            let requestBody: RequestBodyInfo | undefined;
            if (isObject(op.requestBody)) {
                const body = requestConverter.resolve(op.requestBody);
                const content = new Map<string, { validate: ValidateFunction; schema: SchemaObject }>();
                for (const [mediaType, media] of Object.entries((body.content ?? {}) as SchemaObject)) {
                    if (!isObject(media) || !isObject(media.schema)) continue;
                    content.set(mediaType.toLowerCase(), {
                        validate: requestAjv.compile(requestConverter.convert(media.schema, true)),
                        schema: media.schema,
                    });
                }
                requestBody = { required: body.required === true, content };
            }

            const responses = new Map<string, ValidateFunction | null>();
            for (const [status, responseRaw] of Object.entries((op.responses ?? {}) as SchemaObject)) {
                const response = responseConverter.resolve(responseRaw as SchemaObject);
                const json = isObject(response.content) ? response.content['application/json'] : undefined;
                responses.set(
                    status,
                    isObject(json) && isObject(json.schema) ? responseAjv.compile(responseConverter.convert(json.schema, true)) : null,
                );
            }

            const security: SecurityAlternative[] = (Array.isArray(op.security) ? op.security : []).map((requirement) => ({
                schemes: Object.entries(requirement as SchemaObject).map(([name, scopes]) => {
                    const scheme = securitySchemes[name];
                    const declared = isObject(scheme) ? scheme : {};
                    const type = declared.type === 'http' ? (String(declared.scheme).toLowerCase() === 'basic' ? 'basic' : 'bearer') : 'oauth2'; // `client_credentials` in the spec has `flows` but no `type`: treat it as OAuth 2.
                    return { name, type, scopes: Array.isArray(scopes) ? scopes.map(String) : [] };
                }),
            }));

            operations.push({
                operationId: String(op.operationId),
                method: method.toUpperCase(),
                path,
                regex,
                pathParamNames: names,
                parameters,
                requestBody,
                security,
                rateLimitCategory: String(op['x-ratelimit-category'] ?? 'org_read'),
                sandbox: typeof op['x-sandbox'] === 'string' ? op['x-sandbox'] : undefined,
                responses,
            });
        }
    }
    const info = document.info as SchemaObject;
    cached = {
        version: String(info.version),
        operations,
        document,
        resolveSchema: (schema: SchemaObject) => requestConverter.resolve(schema),
    };
    return cached;
}

export type RouteMatch =
    | { kind: 'operation'; operation: OperationInfo; pathParams: Record<string, string> }
    | { kind: 'method-not-allowed'; allowed: string[] }
    | { kind: 'not-found' };

export function matchRoute(spec: LoadedSpec, method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    // Literal segments win over parameters: `/pins/analytics` is not the pin with the id "analytics".
    const bySpecificity = [...spec.operations].sort((a, b) => a.pathParamNames.length - b.pathParamNames.length);
    for (const operation of bySpecificity) {
        const match = operation.regex.exec(pathname);
        if (!match) continue;
        if (operation.method !== method.toUpperCase()) {
            allowed.push(operation.method);
            continue;
        }
        const pathParams: Record<string, string> = {};
        operation.pathParamNames.forEach((name, i) => {
            pathParams[name] = match[i + 1] ?? '';
        });
        return { kind: 'operation', operation, pathParams };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}

/** Converts a raw string from a query, path or form field according to the declared scalar type. */
export function coerceScalar(raw: string, kind: ScalarKind): unknown {
    switch (kind) {
        case 'integer':
            return /^-?\d+$/.test(raw) ? Number(raw) : raw;
        case 'number':
            return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
        case 'boolean':
            return raw === 'true' ? true : raw === 'false' ? false : raw;
        default:
            return raw;
    }
}

function jsonPath(instancePath: string, extra?: string): string {
    const segments = instancePath
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (extra !== undefined) segments.push(extra);
    return segments.reduce((acc, segment) => (/^\d+$/.test(segment) ? `${acc}[${segment}]` : acc ? `${acc}.${segment}` : segment), '');
}

/** Picks the most telling Ajv error and phrases it as `<subject>: <problem>`, naming the offending field. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, subject: string): string {
    const list = errors ?? [];
    const wrappers = new Set(['if', 'then', 'else', 'anyOf', 'oneOf', 'allOf']);
    const error = list.find((e) => !wrappers.has(e.keyword) && !(e.keyword === 'type' && e.params.type === 'null')) ?? list[0];
    if (!error) return `${subject}: invalid`;
    const params = error.params as Record<string, unknown>;
    const where = jsonPath(error.instancePath);
    const field = where ? `'${where}' ` : '';
    switch (error.keyword) {
        case 'required':
            return `${subject}: missing required property '${jsonPath(error.instancePath, String(params.missingProperty))}'`;
        case 'unevaluatedProperties':
            return `${subject}: unknown property '${jsonPath(error.instancePath, String(params.unevaluatedProperty))}'`;
        case 'additionalProperties':
            return `${subject}: unknown property '${jsonPath(error.instancePath, String(params.additionalProperty))}'`;
        case 'enum': {
            const allowed = (params.allowedValues as unknown[])
                .filter((v) => v !== null)
                .map(String)
                .join(', ');
            return `${subject}: ${field}must be one of: ${allowed}`;
        }
        case 'type': {
            const types = ([] as unknown[])
                .concat(params.type)
                .filter((t) => t !== 'null')
                .map(String);
            const nullable = ([] as unknown[]).concat(params.type).includes('null');
            return `${subject}: ${field}must be ${types.map((t) => (t === 'integer' ? 'an integer' : `a ${t}`)).join(' or ')}${nullable ? ' or null' : ''}`;
        }
        default:
            return `${subject}: ${field}${error.message ?? 'is invalid'}`;
    }
}

/** Finds the declared schema of a top-level property, following `$ref`, `allOf` and discriminator mappings. */
export function findPropertySchema(
    resolve: (schema: SchemaObject) => SchemaObject,
    schema: SchemaObject,
    name: string,
    data: Record<string, unknown>,
    depth = 0,
): SchemaObject | undefined {
    if (depth > 20) return undefined;
    const resolved = resolve(schema);
    const properties = resolved.properties;
    if (isObject(properties) && isObject(properties[name])) return properties[name];
    for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
        const members = resolved[keyword];
        if (!Array.isArray(members)) continue;
        for (const member of members) {
            if (!isObject(member)) continue;
            const found = findPropertySchema(resolve, member, name, data, depth + 1);
            if (found) return found;
        }
    }
    const discriminator = resolved.discriminator;
    if (isObject(discriminator) && isObject(discriminator.mapping) && typeof discriminator.propertyName === 'string') {
        const target = discriminator.mapping[String(data[discriminator.propertyName])];
        if (typeof target === 'string') return findPropertySchema(resolve, { $ref: target }, name, data, depth + 1);
    }
    return undefined;
}

/**
 * Validates a response body against the operation's declared response schema (exact status, then `4XX`-style
 * ranges, then `default`). Returns a list of problems, empty when the body is acceptable.
 */
export function validateResponse(operationId: string, status: number, body: unknown): string[] {
    const spec = loadSpec();
    const operation = spec.operations.find((op) => op.operationId === operationId);
    if (!operation) return [`unknown operation ${operationId}`];
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => operation.responses.has(k));
    if (!key) return [`${operationId} declares no response for status ${status}`];
    const validate = operation.responses.get(key);
    if (!validate) return body === undefined ? [] : [`${operationId} ${status} declares no JSON body`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
