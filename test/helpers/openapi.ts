/**
 * GitHub's official OpenAPI description (`@octokit/openapi`,
 * `generated/api.github.com.json`) as a validator for mocked traffic.
 *
 * The whole file is read once per test process (about 0.2 s to parse) rather
 * than kept as a committed extract: it then always matches the installed
 * package version, and there is no extract to fall out of date.
 *
 * Request bodies are checked strictly: a field the operation does not declare
 * is an error, because GitHub ignores unknown fields silently (a misspelt
 * `sha` would turn a compare-and-swap into a blind write).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

export interface Operation {
  readonly operationId: string;
  readonly method: string;
  /** Path template, such as `/repos/{owner}/{repo}/contents/{path}`. */
  readonly template: string;
  readonly spec: Json;
}

export interface MatchedRequest {
  readonly operation: Operation;
  /** Decoded path parameters. */
  readonly params: Record<string, string>;
}

let loaded: { doc: Json; ajv: Ajv; byMethod: Map<string, Operation[]>; version: string } | null = null;
const compiled = new Map<string, ValidateFunction>();

/** The parsed description and its validator, built on first use. */
function spec() {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: 'gh', components: rewriteNullable(doc['components']) });
  const byMethod = new Map<string, Operation[]>();
  for (const [template, item] of Object.entries(doc['paths'] as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete', 'head'].includes(method)) continue;
      const list = byMethod.get(method.toUpperCase()) ?? [];
      list.push({
        operationId: String((op as Json)['operationId']),
        method: method.toUpperCase(),
        template,
        spec: op as Json,
      });
      byMethod.set(method.toUpperCase(), list);
    }
  }
  const version = String((doc['info'] as Json)['version']);
  loaded = { doc, ajv, byMethod, version };
  return loaded;
}

/** Version of the description in use (the `@octokit/openapi` package version). */
export function specVersion(): string {
  return spec().version;
}

/**
 * OpenAPI 3.0 `nullable: true` as JSON Schema: a type list, or `anyOf` with
 * null when the schema has no `type` of its own (a `$ref`, `allOf`...).
 * `oneOf` is read as `anyOf`: GitHub's description lists overlapping
 * alternatives (a 409 body is both a `basic-error` and a
 * `repository-rule-violation-error`), so "exactly one" would reject GitHub's
 * real answers.
 */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json))
    if (k !== 'nullable' && k !== 'example' && k !== 'examples') out[k === 'oneOf' ? 'anyOf' : k] = rewriteNullable(v);
  if ((node as Json)['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

/** Resolves `#/components/...` references one level. */
function deref(node: unknown): Json {
  let n = node as Json;
  for (let i = 0; i < 10 && n && typeof n['$ref'] === 'string'; i++) {
    const path = (n['$ref'] as string).replace(/^#\//, '').split('/');
    let cur: unknown = spec().doc;
    for (const p of path) cur = (cur as Json)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
    n = cur as Json;
  }
  return n;
}

/** Inlines component references and forbids undeclared object fields (request bodies only). */
function strictBody(node: unknown, depth = 0, inAllOf = false): unknown {
  if (depth > 12) return node;
  if (Array.isArray(node)) return node.map((n) => strictBody(n, depth + 1, inAllOf));
  if (!node || typeof node !== 'object') return node;
  const resolved = deref(node);
  const out: Json = {};
  for (const [k, v] of Object.entries(resolved)) out[k] = strictBody(v, depth + 1, k === 'allOf');
  if (
    out['properties'] &&
    out['additionalProperties'] === undefined &&
    !out['patternProperties'] &&
    !inAllOf &&
    !out['allOf']
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

function validator(key: string, schema: () => unknown): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const s = schema() as Json;
    v = spec().ajv.compile({
      $id: `gh-op-${compiled.size}`,
      ...(rewriteNullable(s) as Json),
      ...{},
    }) as ValidateFunction;
    compiled.set(key, v);
  }
  return v;
}

/** `#/components/...` refs inside an operation's schema, pointed at the components document. */
function retarget(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(retarget);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json))
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#\/components/, 'gh#/components') : retarget(v);
  return out;
}

function describeErrors(prefix: string, v: ValidateFunction): string[] {
  return (v.errors ?? []).slice(0, 8).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as Json)['additionalProperty'])})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as Json)['allowedValues'])})`
          : '';
    return `${prefix} ${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** The operation that a method and request path (no query) belong to, with its path parameters. */
export function matchOperation(method: string, pathname: string): MatchedRequest | undefined {
  const candidates = spec().byMethod.get(method.toUpperCase()) ?? [];
  const segments = pathname.replace(/\/+$/, '').split('/');
  let best: { m: MatchedRequest; literals: number } | undefined;
  for (const operation of candidates) {
    const params = matchTemplate(operation, segments);
    if (!params) continue;
    const literals = operation.template.split('/').filter((s) => s && !s.startsWith('{')).length;
    if (!best || literals > best.literals) best = { m: { operation, params }, literals };
  }
  return best?.m;
}

function matchTemplate(op: Operation, segments: string[]): Record<string, string> | null {
  const parts = op.template.split('/');
  const multi = new Set(
    parameters(op)
      .filter((p) => p['x-multi-segment'] === true)
      .map((p) => String(p['name'])),
  );
  const params: Record<string, string> = {};
  let si = 0;
  for (let pi = 0; pi < parts.length; pi++) {
    const part = parts[pi] ?? '';
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    if (name && multi.has(name) && pi === parts.length - 1) {
      if (si >= segments.length) return null;
      params[name] = decodeURIComponent(segments.slice(si).join('/'));
      return params;
    }
    const seg = segments[si];
    if (seg === undefined) return null;
    if (name) {
      if (seg === '') return null;
      params[name] = decodeURIComponent(seg);
    } else if (part !== seg) return null;
    si++;
  }
  return si === segments.length ? params : null;
}

function parameters(op: Operation): Json[] {
  return ((op.spec['parameters'] as unknown[]) ?? []).map(deref);
}

/** Finds an operation by its `METHOD /template` route. */
export function operationByRoute(route: string): Operation {
  const [method = '', template = ''] = route.split(' ');
  const op = (spec().byMethod.get(method.toUpperCase()) ?? []).find((o) => o.template === template);
  if (!op) throw new Error(`${route} is not an operation in GitHub's OpenAPI description ${specVersion()}`);
  return op;
}

/** Problems with a request, each naming the operationId and the JSON pointer; [] when valid. */
export function validateRequest(method: string, url: URL, body: unknown): { match?: MatchedRequest; errors: string[] } {
  const match = matchOperation(method, url.pathname);
  if (!match)
    return {
      errors: [`${method} ${url.pathname}: no such operation in GitHub's OpenAPI description ${specVersion()}`],
    };
  const { operation, params } = match;
  const id = operation.operationId;
  const errors: string[] = [];
  const declared = parameters(operation);
  for (const where of ['path', 'query'] as const) {
    const given: Record<string, unknown> = where === 'path' ? { ...params } : Object.fromEntries(url.searchParams);
    const props: Json = {};
    const required: string[] = [];
    for (const p of declared.filter((d) => d['in'] === where)) {
      props[String(p['name'])] = p['schema'] ?? {};
      if (p['required'] === true) required.push(String(p['name']));
    }
    const v = validator(`${id} ${where}`, () =>
      retarget({ type: 'object', properties: props, required, additionalProperties: false }),
    );
    const coerced = coerce(given, props);
    if (!v(coerced)) errors.push(...describeErrors(`${id}: ${where} parameter`, v));
  }
  const rb = operation.spec['requestBody'] ? deref(operation.spec['requestBody']) : undefined;
  const schema = (rb?.['content'] as Json | undefined)?.['application/json'] as Json | undefined;
  if (body !== undefined && body !== '' && !schema) errors.push(`${id}: a body was sent but the operation takes none`);
  if (schema && (body === undefined || body === '') && rb?.['required'] === true)
    errors.push(`${id}: request body / is required`);
  if (schema && body !== undefined && body !== '') {
    const v = validator(`${id} body`, () => retarget(strictBody(schema['schema'])));
    if (!v(body)) errors.push(...describeErrors(`${id}: request body`, v));
  }
  return { match, errors };
}

/** Query and path values arrive as text; give them the types the schema names. */
function coerce(given: Record<string, unknown>, props: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    const type = (deref(props[k]) ?? {})['type'];
    if (typeof v === 'string' && (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(v))
      out[k] = Number(v);
    else if (typeof v === 'string' && type === 'boolean' && (v === 'true' || v === 'false')) out[k] = v === 'true';
    else out[k] = v;
  }
  return out;
}

/**
 * Statuses any GitHub endpoint can answer whether or not its description
 * lists them (a missing or hidden resource is a 404 everywhere, for
 * instance); their body must still be GitHub's `basic-error`.
 */
const UNIVERSAL_ERRORS: ReadonlySet<number> = new Set([401, 403, 404, 500, 502, 503, 504]);

/** Problems with a reply for `operation` with `status`; [] when it matches the declared response. */
export function validateResponse(operation: Operation, status: number, body: unknown): string[] {
  const id = operation.operationId;
  if (status === 304) return [];
  const responses = operation.spec['responses'] as Json;
  const declared = responses[String(status)] ?? responses['default'];
  if (!declared && UNIVERSAL_ERRORS.has(status)) {
    const v = validator('basic-error', () => ({ $ref: 'gh#/components/schemas/basic-error' }));
    return v(body) ? [] : describeErrors(`${id}: response ${status} body (basic-error)`, v);
  }
  if (!declared)
    return [`${id}: status ${status} is not a declared response (declared: ${Object.keys(responses).join(', ')})`];
  const content = deref(declared)['content'] as Json | undefined;
  const json = content?.['application/json'] as Json | undefined;
  if (!json?.['schema'])
    return body === undefined || body === '' ? [] : [`${id}: status ${status} declares no JSON body`];
  const v = validator(`${id} ${status}`, () => retarget(json['schema']));
  return v(body) ? [] : describeErrors(`${id}: response ${status} body`, v);
}

/** GitHub's own example body for an operation's response, parsed fresh on each call. */
export function exampleResponse(route: string, status: number, name?: string): unknown {
  const op = operationByRoute(route);
  const declared = deref((op.spec['responses'] as Json)[String(status)]);
  const json = (declared['content'] as Json | undefined)?.['application/json'] as Json | undefined;
  const examples = (json?.['examples'] ?? {}) as Json;
  const key = name ?? Object.keys(examples)[0];
  if (!key || !examples[key])
    throw new Error(`${op.operationId} has no example for ${status}${name ? ` named ${name}` : ''}`);
  return structuredClone(deref(examples[key])['value']);
}
