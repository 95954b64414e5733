import { readFileSync } from 'node:fs';
import { type LoggedRequest, specPath } from '@vahub/testkit';
import { type FieldSelection, parseFields } from './fake-partial-response.js';

/** The parts of a Google API discovery document the contract checks read. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  readOnly?: boolean;
}
interface Parameter extends Schema {
  location: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
}
interface Method {
  id: string;
  httpMethod: string;
  path: string;
  parameters?: Record<string, Parameter>;
  request?: { $ref: string };
  response?: { $ref: string };
}
interface Resource {
  methods?: Record<string, Method>;
  resources?: Record<string, Resource>;
}
export interface DiscoveryDocument {
  servicePath: string;
  parameters: Record<string, Parameter>;
  schemas: Record<string, Schema>;
  resources: Record<string, Resource>;
}

/** The Calendar API's discovery document the repository carries (testkit checks its checksum). */
export function loadCalendarDiscovery(path = specPath('calendar-json-v3.json')): DiscoveryDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as DiscoveryDocument;
}

function allMethods(resources: Record<string, Resource>): Method[] {
  return Object.values(resources).flatMap((r) => [
    ...Object.values(r.methods ?? {}),
    ...allMethods(r.resources ?? {}),
  ]);
}

/** The discovery method a logged request calls, with its path parameters, or null. */
export function findMethod(
  doc: DiscoveryDocument,
  request: Pick<LoggedRequest, 'method' | 'path'>,
): { method: Method; pathParams: Record<string, string> } | null {
  for (const method of allMethods(doc.resources)) {
    if (method.httpMethod !== request.method) continue;
    const names: string[] = [];
    const source = `/${doc.servicePath}${method.path}`.replace(/\{\+?(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${source}$`).exec(request.path);
    if (match) {
      const pathParams = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
      return { method, pathParams };
    }
  }
  return null;
}

function checkScalar(value: string, spec: Schema, where: string): string[] {
  if (spec.enum && !spec.enum.includes(value))
    return [`${where}: "${value}" is not one of ${spec.enum.join('|')}`];
  if (spec.type === 'integer' && !/^-?\d+$/.test(value)) return [`${where}: "${value}" is not an integer`];
  if (spec.type === 'boolean' && !['true', 'false'].includes(value))
    return [`${where}: "${value}" is not a boolean`];
  if (spec.format === 'date-time' && Number.isNaN(Date.parse(value)))
    return [`${where}: "${value}" is not a date-time`];
  return [];
}

/** Problems of `value` against `schema` (unknown properties, wrong types), resolving `$ref`s. */
export function checkAgainstSchema(
  doc: DiscoveryDocument,
  value: unknown,
  schema: Schema,
  where: string,
): string[] {
  const spec = schema.$ref ? doc.schemas[schema.$ref] : schema;
  if (!spec) return [`${where}: unknown schema ${schema.$ref}`];
  if (value === null || value === undefined) return [];
  if (spec.type === 'object' || spec.properties || spec.additionalProperties) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${where}: expected an object`];
    return Object.entries(value).flatMap(([key, inner]) => {
      const property = spec.properties?.[key] ?? spec.additionalProperties;
      if (!property) return [`${where}.${key}: not a property of ${schema.$ref ?? 'this object'}`];
      return checkAgainstSchema(doc, inner, property, `${where}.${key}`);
    });
  }
  if (spec.type === 'array') {
    if (!Array.isArray(value)) return [`${where}: expected an array`];
    return value.flatMap((item, i) => checkAgainstSchema(doc, item, spec.items ?? {}, `${where}[${i}]`));
  }
  if (spec.type === 'string' && spec.format === 'int64') {
    return typeof value === 'string' && /^-?\d+$/.test(value)
      ? []
      : [`${where}: int64 must be a string of digits`];
  }
  if (spec.type === 'string') {
    return typeof value === 'string' ? checkScalar(value, spec, where) : [`${where}: expected a string`];
  }
  if (spec.type === 'integer') return Number.isInteger(value) ? [] : [`${where}: expected an integer`];
  if (spec.type === 'boolean') return typeof value === 'boolean' ? [] : [`${where}: expected a boolean`];
  return [];
}

/** Names in a `fields` selection that `schema` does not have (a map's keys are free). */
function checkFieldSelection(
  doc: DiscoveryDocument,
  selection: FieldSelection,
  schema: Schema,
  where: string,
  path = '',
): string[] {
  // An array selects inside its items.
  let at: Schema | undefined = schema;
  while (at?.type === 'array' && at.items) at = at.items;
  const name = at?.$ref ?? 'this object';
  const spec = at?.$ref ? doc.schemas[at.$ref] : at;
  if (!spec) return [`${where}: unknown schema ${name}`];
  return [...selection].flatMap(([field, inner]) => {
    if (field === '*') return [];
    const property = spec.properties?.[field] ?? spec.additionalProperties;
    if (!property) return [`${where}: ${path}${field} is not a field of ${name}`];
    return inner ? checkFieldSelection(doc, inner, property, where, `${path}${field}/`) : [];
  });
}

/** A `fields` (partial response) parameter that does not parse or names fields the answer cannot have. */
function checkFields(doc: DiscoveryDocument, method: Method, mask: string): string[] {
  const where = `${method.id} ?fields`;
  let selection: FieldSelection;
  try {
    selection = parseFields(mask);
  } catch {
    return [`${where}: "${mask}" does not parse`];
  }
  if (!method.response) return [`${where}: the method answers no body`];
  return checkFieldSelection(doc, selection, method.response, where);
}

/**
 * What a request does that the discovery document does not allow: an unknown method or path,
 * unknown or malformed query parameters (a `fields` selection of fields the answer does not have among
 * them), a repeated one that may not repeat, a missing required one,
 * a body where there should be none, or body fields the request schema does not know.
 */
export function checkRequest(doc: DiscoveryDocument, request: LoggedRequest): string[] {
  const found = findMethod(doc, request);
  if (!found) return [`${request.method} ${request.path}: no such method in the discovery document`];
  const { method } = found;
  const problems: string[] = [];
  const query = new URL(request.url, 'http://x').searchParams;
  for (const name of new Set(query.keys())) {
    const spec = method.parameters?.[name] ?? doc.parameters[name];
    if (spec?.location !== 'query') {
      problems.push(`${method.id}: unknown query parameter ${name}`);
      continue;
    }
    const values = query.getAll(name);
    if (values.length > 1 && !spec.repeated) problems.push(`${method.id}: ${name} may not repeat`);
    for (const value of values) problems.push(...checkScalar(value, spec, `${method.id} ?${name}`));
    if (name === 'fields') for (const value of values) problems.push(...checkFields(doc, method, value));
  }
  for (const [name, spec] of Object.entries(method.parameters ?? {})) {
    if (spec.required && spec.location === 'query' && !query.has(name)) {
      problems.push(`${method.id}: required parameter ${name} missing`);
    }
  }
  if (method.request) {
    problems.push(...checkAgainstSchema(doc, request.json, method.request, `${method.id} body`));
  } else if (request.body.length > 0) {
    problems.push(`${method.id}: takes no body, got ${request.body.slice(0, 40)}`);
  }
  return problems;
}

/** What a successful answer holds that the method's response schema does not know. */
export function checkResponse(doc: DiscoveryDocument, request: LoggedRequest): string[] {
  const found = findMethod(doc, request);
  if (!found || request.status >= 300) return [];
  if (!found.method.response) {
    return request.status === 204 || request.responseBody === ''
      ? []
      : [`${found.method.id}: expected no body`];
  }
  return checkAgainstSchema(doc, request.responseBody, found.method.response, `${found.method.id} response`);
}
