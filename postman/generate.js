#!/usr/bin/env node
'use strict';
// Builds the Postman collection and environment from the OpenAPI schema:
//
//   node postman/generate.js SCHEMA.json OUT_DIR
//
// openapi-to-postmanv2 converts the schema; this script then makes the result
// runnable as committed: bearer auth from a collection-level sign-in script,
// path variables bound to environment variables (looked up from list endpoints
// when empty), a test script per request checking the reply against the
// schema, and a stable order. The output depends only on the schema and
// postman/config.js: the converter's example faker draws from a seeded
// generator and every random id is dropped, so an unchanged schema gives
// byte-identical files.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

// Seeded before the converter loads, so its faked example bodies are reproducible.
let seed = 0x5eed;
Math.random = function mulberry32() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const converter = require('openapi-to-postmanv2');
const config = require('./config');
const { convert, referenced } = require('./lib/jsonschema');
const scripts = require('./lib/scripts');

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const COLLECTION_FILE = 'platform.postman_collection.json';
const ENVIRONMENT_FILE = 'local.postman_environment.json';

function stableId(text) {
  const hex = crypto.createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function singular(word) {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses') || word.endsWith('ches')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function snake(text) {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
}

// The schema's paths without the API prefix, so `baseUrl` carries it.
function relativePaths(spec) {
  const prefix = config.apiPrefix.replace(/\/$/, '');
  const paths = {};
  for (const [route, item] of Object.entries(spec.paths || {})) {
    if (prefix && !route.startsWith(`${prefix}/`)) {
      throw new Error(`${route} is outside ${prefix}; change apiPrefix in postman/config.js`);
    }
    paths[route.slice(prefix.length) || '/'] = item;
  }
  return paths;
}

// `{id}` becomes `<resource>_id` after the static segments before it
// (`/isp/subscribers/{id}/` gives `isp_subscriber_id`); a named parameter keeps
// its name unless config.variableNames renames it.
function variableName(route, param) {
  const renamed = (config.variableNames[route] || {})[param];
  if (renamed) return renamed;
  if (param !== 'id') return param;
  const before = route.split(`{${param}}`)[0].split('/').filter(Boolean);
  const statics = before.filter((segment) => !segment.startsWith('{') && segment !== 'admin');
  if (!statics.length) return 'id';
  statics[statics.length - 1] = singular(statics[statics.length - 1]);
  return `${snake(statics.join('_'))}_id`;
}

function operations(paths) {
  const found = [];
  for (const route of Object.keys(paths).sort()) {
    const item = paths[route];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = [...(item.parameters || []), ...(op.parameters || [])];
      found.push({ route, method: method.toUpperCase(), op, parameters });
    }
  }
  return found;
}

function deref(schema, components, depth = 0) {
  while (schema && schema.$ref && depth < 20) {
    schema = components[schema.$ref.split('/').pop()];
    depth += 1;
  }
  return schema || {};
}

// Whether a JSON reply schema holds rows (objects) carrying `field`.
function hasRowsWith(schema, field, components, depth = 0) {
  schema = deref(schema, components);
  if (depth > 4) return false;
  if (schema.type === 'array' || schema.items) {
    const row = deref(schema.items, components);
    const props = row.properties || {};
    if (field in props) return true;
  }
  for (const part of [...(schema.allOf || []), ...(schema.oneOf || []), ...(schema.anyOf || [])]) {
    if (hasRowsWith(part, field, components, depth + 1)) return true;
  }
  return Object.values(schema.properties || {}).some((prop) =>
    hasRowsWith(prop, field, components, depth + 1)
  );
}

function jsonReply(op) {
  const ok = (op.responses || {})['200'];
  const content = (ok && ok.content) || {};
  const media = Object.keys(content).find((type) => /json/.test(type));
  return media ? content[media].schema : undefined;
}

// The list endpoint that gives each path variable: a GET without required
// parameters at the path before the variable, whose rows carry the parameter
// (or `id`, or seed 004's `_id`). config.lookups adds and overrides; null there
// means no list gives it.
function findLookups(ops, components) {
  const byRoute = new Map(ops.filter((o) => o.method === 'GET').map((o) => [o.route, o]));
  const lookups = {};
  for (const { route, parameters } of ops) {
    for (const param of parameters.filter((p) => p.in === 'path')) {
      const name = variableName(route, param.name);
      if (lookups[name] || name in config.lookups) continue;
      const list = byRoute.get(route.split(`{${param.name}}`)[0]);
      if (!list || list.parameters.some((p) => p.required)) continue;
      const reply = jsonReply(list.op);
      if (!reply) continue;
      for (const field of [param.name, 'id', '_id']) {
        if (hasRowsWith(reply, field, components)) {
          lookups[name] = { path: list.route, field };
          break;
        }
      }
    }
  }
  const merged = { ...lookups, ...config.lookups };
  return Object.fromEntries(
    Object.keys(merged)
      .sort()
      .filter((name) => merged[name])
      .map((name) => [name, merged[name]])
  );
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// Per variable: the value it gets when the environment leaves it empty and no
// row gives one, by the parameter's type.
function fallbackValues(ops) {
  const fallbacks = {};
  for (const { route, parameters } of ops) {
    for (const param of parameters.filter((p) => p.in === 'path')) {
      const name = variableName(route, param.name);
      if (name in fallbacks) continue;
      const schema = param.schema || {};
      let candidates = ['none', '0', NIL_UUID];
      if (schema.format === 'uuid') candidates = [NIL_UUID];
      else if (schema.type === 'integer' || schema.type === 'number') candidates = ['0'];
      else if (schema.pattern) candidates = candidates.filter((value) => new RegExp(schema.pattern).test(value));
      fallbacks[name] = candidates[0] || 'none';
    }
  }
  return Object.fromEntries(Object.keys(fallbacks).sort().map((name) => [name, fallbacks[name]]));
}

function pathVariables(ops, lookups) {
  const values = {};
  for (const { route, parameters } of ops) {
    for (const param of parameters.filter((p) => p.in === 'path')) {
      const name = variableName(route, param.name);
      if (name in values) continue;
      const enumerated = ((param.schema || {}).enum || [])[0];
      if (name in config.values) values[name] = String(config.values[name]);
      else if (name in lookups || config.lookups[name] === null) values[name] = '';
      else if (enumerated !== undefined) values[name] = String(enumerated);
      else {
        values[name] = '';
        console.warn(`postman: no value or lookup for the path variable {{${name}}} (${route})`);
      }
    }
  }
  return values;
}

// Documented replies by status and media type: a JSON Schema for JSON bodies,
// {} for other media, no media at all for empty replies.
function documentedReplies(op, components) {
  const responses = {};
  const needed = new Set();
  for (const status of Object.keys(op.responses || {}).sort()) {
    const content = op.responses[status].content || {};
    responses[status] = {};
    for (const media of Object.keys(content).sort()) {
      const schema = content[media].schema;
      if (/json/.test(media) && schema) {
        referenced(schema, components, needed);
        responses[status][media.toLowerCase()] = convert(schema);
      } else {
        responses[status][media.toLowerCase()] = {};
      }
    }
  }
  const definitions = {};
  for (const name of [...needed].sort()) definitions[name] = convert(components[name]);
  return { responses, definitions };
}

function bare(route) {
  return route.replace(/\/+$/, '') || '/';
}

function routeKey(method, segments) {
  const joined = segments.map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/');
  return `${method} ${bare(`/${joined}`)}`;
}

function flatten(items, out = []) {
  for (const item of items || []) {
    if (item.item) flatten(item.item, out);
    else out.push(item);
  }
  return out;
}

function stripIds(node) {
  if (Array.isArray(node)) return node.map(stripIds);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' || key === '_postman_id') continue;
    out[key] = stripIds(value);
  }
  return out;
}

function runConverter(spec) {
  const options = {
    folderStrategy: 'Tags',
    parametersResolution: 'Schema',
    alwaysInheritAuthentication: true,
    enableOptionalParameters: false,
    requestNameSource: 'Fallback',
  };
  return new Promise((resolve, reject) => {
    converter.convertV2({ type: 'json', data: spec }, options, (err, result) => {
      if (err) return reject(err);
      if (!result.result) return reject(new Error(result.reason));
      resolve(result.output[0].data);
    });
  });
}

function shapeRequest(item, entry) {
  const { route, method, op } = entry;
  const request = item.request;
  delete request.auth;
  if (request.description && !request.description.content) delete request.description;
  for (const variable of request.url.variable || []) {
    variable.value = `{{${variableName(route, variable.key)}}}`;
  }
  for (const header of request.header || []) {
    if (header.key in config.headers) header.value = config.headers[header.key];
  }
  if (route === config.signIn.path && method === 'POST') {
    const body = { [config.signIn.identifierField]: '{{loginId}}', password: '{{password}}' };
    request.body = { ...request.body, mode: 'raw', raw: JSON.stringify(body, null, 2) };
  }
  const { responses, definitions } = documentedReplies(op, entry.components);
  const shaped = {
    name: item.name,
    event: [
      scripts.requestTest({
        method,
        path: route,
        operationId: op.operationId,
        responses,
        definitions,
        signedIn: !(op.security || []).some((requirement) => !Object.keys(requirement).length),
      }),
    ],
    request,
  };
  if (item.protocolProfileBehavior) shaped.protocolProfileBehavior = item.protocolProfileBehavior;
  return shaped;
}

// GETs first, then writes, deletions last: a folder's reads see the rows its deletions remove.
function order(a, b) {
  const rank = (entry) => (entry.method === 'DELETE' ? 1 : 0);
  return (
    rank(a.entry) - rank(b.entry) ||
    (a.entry.route < b.entry.route ? -1 : a.entry.route > b.entry.route ? 1 : 0) ||
    METHODS.indexOf(a.entry.method.toLowerCase()) - METHODS.indexOf(b.entry.method.toLowerCase())
  );
}

async function main() {
  const [schemaFile, outDir] = process.argv.slice(2);
  if (!schemaFile || !outDir) {
    console.error('usage: node postman/generate.js SCHEMA.json OUT_DIR');
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const components = (spec.components || {}).schemas || {};
  const paths = relativePaths(spec);
  const ops = operations(paths);
  const lookups = findLookups(ops, components);
  const variables = pathVariables(ops, lookups);

  // A deep copy: the converter rewrites the schemas it is given in place.
  const converted = await runConverter(
    JSON.parse(JSON.stringify({ ...spec, paths, servers: [{ url: '{{baseUrl}}' }] }))
  );

  const byKey = new Map(ops.map((entry) => [`${entry.method} ${bare(entry.route)}`, entry]));
  const ends = config.endsSession.map(([method, route]) => `${method} ${bare(route)}`);
  for (const key of ends) {
    if (!byKey.has(key)) throw new Error(`config.endsSession names ${key}, which the schema does not have`);
  }
  const folders = new Map();
  const last = [];
  for (const item of flatten(converted.item)) {
    const key = routeKey(item.request.method, item.request.url.path);
    const entry = byKey.get(key);
    if (!entry) throw new Error(`the converter produced ${key}, which the schema does not have`);
    entry.components = components;
    const shaped = { key, entry, item: shapeRequest(stripIds(item), entry) };
    if (ends.includes(key)) {
      last.push(shaped);
      continue;
    }
    const tag = ((entry.op.tags || [])[0] || 'other').trim();
    if (!folders.has(tag)) folders.set(tag, []);
    folders.get(tag).push(shaped);
  }
  const seen = flatten(converted.item).length;
  if (seen !== ops.length) throw new Error(`the converter produced ${seen} requests for ${ops.length} operations`);

  const item = [...folders.keys()].sort().map((tag) => ({
    name: tag,
    item: folders.get(tag).sort(order).map((shaped) => shaped.item),
  }));
  if (last.length) {
    last.sort((a, b) => ends.indexOf(a.key) - ends.indexOf(b.key));
    item.push({
      name: config.endsSessionFolder,
      description:
        'Each request here ends or changes the signed-in session or account (the last one archives it); ' +
        'after each, the next request signs in again.',
      event: [scripts.forgetToken()],
      item: last.map((shaped) => shaped.item),
    });
  }

  const collection = {
    info: {
      _postman_id: stableId(`collection:${config.collectionName}`),
      name: config.collectionName,
      description: [
        (spec.info || {}).description || '',
        '',
        `Generated from the OpenAPI schema (version ${(spec.info || {}).version || '?'}) by postman/generate.js; ` +
          'regenerate with `make postman`. Import it with the environment ' +
          `postman/${ENVIRONMENT_FILE}; the collection signs in as {{loginId}} before the first request.`,
      ].join('\n'),
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    event: [
      scripts.collectionPreRequest({
        signInPath: config.signIn.path,
        identifierField: config.signIn.identifierField,
        lookups,
        fallbacks: fallbackValues(ops),
      }),
      scripts.collectionTest(),
    ],
    variable: [
      { key: 'baseUrl', value: config.baseUrl, type: 'string' },
      { key: 'accessToken', value: '', type: 'string' },
      { key: 'accessTokenExpiresAt', value: '', type: 'string' },
    ],
    item,
  };

  const environment = {
    id: stableId(`environment:${config.environmentName}`),
    name: config.environmentName,
    values: [
      { key: 'baseUrl', value: config.baseUrl, type: 'default', enabled: true },
      { key: 'loginId', value: config.credentials.loginId, type: 'default', enabled: true },
      { key: 'password', value: config.credentials.password, type: 'secret', enabled: true },
      ...Object.keys(variables)
        .sort()
        .map((key) => ({ key, value: variables[key], type: 'default', enabled: true })),
    ],
    _postman_variable_scope: 'environment',
  };

  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, COLLECTION_FILE), `${JSON.stringify(collection, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, ENVIRONMENT_FILE), `${JSON.stringify(environment, null, 2)}\n`);
  const requests = item.reduce((n, folder) => n + folder.item.length, 0);
  console.log(`postman: ${requests} requests in ${item.length} folders, ${Object.keys(variables).length} path variables`);
}

main().catch((err) => {
  console.error(`postman: ${err.stack || err}`);
  process.exit(1);
});
