import { readSpec, type SpecName } from '@vahub/testkit';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS with a `default` property; under NodeNext the import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => void;

type Schema = Record<string, unknown>;

/**
 * A copy of every component schema fit for checking what a client SENDS: properties Xero marks
 * readOnly are removed and unknown properties are refused, so a misspelt or read-only field fails
 * the contract instead of being ignored. (The spec itself allows anything extra.)
 */
function forRequests(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forRequests);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = forRequests(v);
  if (typeof out.properties === 'object' && out.properties !== null && !('$ref' in out)) {
    const props = out.properties as Record<string, Schema>;
    for (const [name, prop] of Object.entries(props)) if (prop.readOnly === true) delete props[name];
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  return out;
}

export interface SpecValidators {
  /** Validate a request body against `#/components/schemas/<name>`, refusing unknown and read-only fields. */
  request(name: string): ValidateFunction;
  /** Validate an answer against `#/components/schemas/<name>` as the spec states it. */
  response(name: string): ValidateFunction;
}

/**
 * Validators over one of the Xero OpenAPI files the repository carries (testkit's `specs/`). `formats: false` skips string
 * formats, for the identity spec whose `date-time` fields Xero itself fills without a zone
 * ("2019-12-07T18:46:19.5165400", the spec's own example).
 */
export function loadSpec(file: SpecName, options: { formats?: boolean } = {}): SpecValidators {
  const doc = parse(readSpec(file)) as { components: { schemas: Schema } };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: options.formats ?? true });
  addFormats(ajv);
  for (const f of ['double', 'int32', 'int64', 'binary', 'byte']) ajv.addFormat(f, true);
  // The schemas refer to each other (an Invoice holds Contacts holding ... Invoices): register whole
  // documents so every `#/components/schemas/...` resolves, one copy per use.
  ajv.addSchema({ $id: 'response', components: doc.components });
  ajv.addSchema({ $id: 'request', components: forRequests(doc.components) as Schema });
  const get = (id: string, name: string) => {
    const v = ajv.getSchema(`${id}#/components/schemas/${name}`);
    if (!v) throw new Error(`${file} has no schema ${name}`);
    return v;
  };
  return { request: (name) => get('request', name), response: (name) => get('response', name) };
}
