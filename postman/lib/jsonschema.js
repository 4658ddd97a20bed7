'use strict';
// OpenAPI 3.0 schema objects as JSON Schema draft-07, the dialect of the ajv
// inside Postman's sandbox: `nullable` becomes a null type, `$ref`s point at
// `definitions`, boolean exclusive bounds become numbers, and the keywords that
// only describe (descriptions, examples, readOnly...) are left out to keep
// each request's test script small.

const COPIED = new Set([
  'type',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
]);
// The formats ajv 6 checks; the others (decimal, int64, binary...) only annotate.
const FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'uri',
  'uri-reference',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);
const REF_PREFIX = '#/components/schemas/';

function refName(ref) {
  if (!ref.startsWith(REF_PREFIX)) {
    throw new Error(`unsupported $ref ${ref}: only ${REF_PREFIX}* is resolved`);
  }
  return decodeURIComponent(ref.slice(REF_PREFIX.length));
}

function convert(node) {
  if (node === true || node === false) return node;
  if (!node || typeof node !== 'object') return {};
  if (node.$ref) return withNull({ $ref: `#/definitions/${refName(node.$ref)}` }, node.nullable);
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (COPIED.has(key)) out[key] = value;
    else if (key === 'format' && FORMATS.has(value)) out.format = value;
    else if (key === 'properties') {
      out.properties = {};
      for (const [name, schema] of Object.entries(value)) out.properties[name] = convert(schema);
    } else if (key === 'items' || key === 'not') out[key] = convert(value);
    else if (key === 'additionalProperties') {
      out.additionalProperties = typeof value === 'boolean' ? value : convert(value);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = value.map(convert);
  }
  for (const bound of ['Minimum', 'Maximum']) {
    const flag = node[`exclusive${bound}`];
    const limit = bound.toLowerCase();
    if (flag === true && limit in out) {
      out[`exclusive${bound}`] = out[limit];
      delete out[limit];
    } else if (typeof flag === 'number') out[`exclusive${bound}`] = flag;
  }
  return withNull(out, node.nullable);
}

function withNull(schema, nullable) {
  if (!nullable) return schema;
  if (typeof schema.type === 'string' && !schema.$ref && !schema.allOf && !schema.oneOf && !schema.anyOf) {
    const out = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

// The names of every component a schema needs, itself included, transitively.
function referenced(node, components, found = new Set()) {
  if (Array.isArray(node)) {
    for (const item of node) referenced(item, components, found);
  } else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string') {
      const name = refName(node.$ref);
      if (!found.has(name)) {
        if (!(name in components)) throw new Error(`$ref to a missing component: ${name}`);
        found.add(name);
        referenced(components[name], components, found);
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$ref') referenced(value, components, found);
    }
  }
  return found;
}

module.exports = { convert, referenced };
