import { readFileSync } from 'node:fs';
import { specPath } from '@vahub/testkit';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Asana's OpenAPI 3.0 spec as a validator, for contract tests: does an answer of the fake, or a
 * request of the connector, match what Asana documents? OpenAPI 3.0 is not JSON Schema: `nullable`
 * is rewritten into `type: [..., 'null']`, and an `allOf` with a `nullable` branch (Asana's way of
 * saying "this reference or null") into `anyOf: [null, allOf]`. Unknown keywords (`example`,
 * `readOnly`, `x-…`) are ignored (`strict: false`).
 */

type Json = Record<string, unknown>;

const SPEC_ID = 'asana-oas';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrite one OpenAPI 3.0 node (and everything under it) into JSON Schema for ajv. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/'))
      out.$ref = `${SPEC_ID}${value}`;
    else if (key !== 'nullable') out[key] = convert(value);
  }
  if (Array.isArray(node.allOf) && node.allOf.some((b) => isObject(b) && b.nullable === true)) {
    const { allOf, ...rest } = out;
    return { ...rest, anyOf: [{ type: 'null' }, { allOf }] };
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && out.$ref !== undefined)
      return { anyOf: [{ type: 'null' }, { $ref: out.$ref }] };
  }
  return out;
}

function pointer(doc: unknown, ref: string): unknown {
  const path = ref.replace(/^[^#]*#\//, '').split('/');
  let at: unknown = doc;
  for (const raw of path) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = isObject(at) ? at[part] : undefined;
  }
  return at;
}

function templateToRegExp(template: string): RegExp {
  const source = template
    .split('/')
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** Asana's errors page: any endpoint may answer these, so the spec keeps them once, by name. */
const COMMON_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  402: 'PaymentRequired',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export interface Operation {
  template: string;
  method: string;
  node: Json;
  pathNode: Json;
}

export class AsanaOas {
  private readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literal: number }[];

  constructor(specText: string) {
    this.doc = convert(parse(specText)) as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    const addFormats =
      (formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule;
    (addFormats as unknown as (ajv: Ajv) => void)(this.ajv);
    this.ajv.addSchema(this.doc, SPEC_ID);
    // Literal paths (`/users/me`) before templates of the same shape (`/users/{user_gid}`).
    this.templates = Object.keys((this.doc.paths as Json) ?? {})
      .map((template) => ({
        template,
        pattern: templateToRegExp(template),
        literal: template.split('/').filter((p) => p && !p.startsWith('{')).length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  /** The spec the repository carries (testkit's `specs/asana_oas.yaml`, checked against its checksum). */
  static load(path: string = specPath('asana_oas.yaml')): AsanaOas {
    return new AsanaOas(readFileSync(path, 'utf8'));
  }

  /** The operation for a method and a path relative to the API base (`/tasks/123`). */
  operation(method: string, path: string): Operation | null {
    const paths = this.doc.paths as Json;
    for (const { template, pattern } of this.templates) {
      if (!pattern.test(path)) continue;
      const pathNode = paths[template];
      const node = isObject(pathNode) ? pathNode[method.toLowerCase()] : undefined;
      if (isObject(pathNode) && isObject(node))
        return { template, method: method.toLowerCase(), node, pathNode };
    }
    return null;
  }

  private deref<T>(node: unknown): T {
    let at = node;
    while (isObject(at) && typeof at.$ref === 'string') at = pointer(this.doc, at.$ref);
    return at as T;
  }

  private validate(key: string, schema: unknown, value: unknown): string[] {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema as Json);
      this.compiled.set(key, fn);
    }
    if (fn(value)) return [];
    return (fn.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
  }

  private jsonSchemaOf(content: unknown): unknown {
    const media = isObject(content) ? content : {};
    const json = Object.entries(media).find(([type]) => type.startsWith('application/json'));
    return json && isObject(json[1]) ? json[1].schema : undefined;
  }

  /** Errors of an answer against the documented response of that status; [] when it matches. */
  validateResponse(input: { method: string; path: string; status: number; body: unknown }): string[] {
    const op = this.operation(input.method, input.path);
    if (!op) return [`no operation ${input.method} ${input.path} in the spec`];
    const responses = (op.node.responses ?? {}) as Json;
    const common = COMMON_RESPONSES[input.status];
    const response = this.deref<Json | undefined>(
      responses[String(input.status)] ??
        responses.default ??
        (common ? { $ref: `#/components/responses/${common}` } : undefined),
    );
    if (!response) return [`${op.template}: status ${input.status} is not documented`];
    const schema = this.jsonSchemaOf(response.content);
    if (schema === undefined) return [];
    const key = `res ${op.method} ${op.template} ${input.status}`;
    return this.validate(key, schema, input.body).map((e) => `${op.template} ${input.status}: ${e}`);
  }

  /** Errors of a value against a named schema (`EventResponse`); [] when it matches. */
  validateSchema(name: string, value: unknown): string[] {
    const schema = { $ref: `${SPEC_ID}#/components/schemas/${name}` };
    return this.validate(`schema ${name}`, schema, value).map((e) => `${name}: ${e}`);
  }

  /** Errors of a request body against the operation's documented JSON body. */
  validateRequestBody(input: { method: string; path: string; body: unknown }): string[] {
    const op = this.operation(input.method, input.path);
    if (!op) return [`no operation ${input.method} ${input.path} in the spec`];
    const requestBody = this.deref<Json | undefined>(op.node.requestBody);
    const schema = requestBody ? this.jsonSchemaOf(requestBody.content) : undefined;
    if (schema === undefined) return input.body === undefined ? [] : [`${op.template}: takes no body`];
    return this.validate(`req ${op.method} ${op.template}`, schema, input.body).map(
      (e) => `${op.template}: ${e}`,
    );
  }

  /** Errors of the query string: unknown or missing parameters, values outside their schema (`opt_fields` enums). */
  validateQuery(input: { method: string; path: string; query: Record<string, string> }): string[] {
    const op = this.operation(input.method, input.path);
    if (!op) return [`no operation ${input.method} ${input.path} in the spec`];
    const params = [
      ...((op.pathNode.parameters as unknown[]) ?? []),
      ...((op.node.parameters as unknown[]) ?? []),
    ]
      .map((p) => this.deref<Json>(p))
      .filter((p) => p.in === 'query');
    const errors: string[] = [];
    for (const param of params) {
      const name = String(param.name);
      if (param.required === true && !(name in input.query)) errors.push(`${op.template}: missing ${name}`);
    }
    for (const [name, text] of Object.entries(input.query)) {
      const param = params.find((p) => p.name === name);
      if (!param) {
        errors.push(`${op.template}: unknown query parameter ${name}`);
        continue;
      }
      const schema = param.schema as Json;
      const value =
        schema.type === 'array'
          ? text.split(',')
          : schema.type === 'integer' || schema.type === 'number'
            ? Number(text)
            : schema.type === 'boolean'
              ? text === 'true'
              : text;
      const key = `query ${op.method} ${op.template} ${name}`;
      errors.push(...this.validate(key, schema, value).map((e) => `${op.template} ?${name}: ${e}`));
    }
    return errors;
  }
}
