// The editor schema (scenarios/schema.json) must describe exactly what the parser accepts:
// every key the parser takes is in the schema, the schema offers no key the parser rejects,
// and every shipped scenario uses only keys the schema knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACCEPTED_KEYS } from '../../src/scenario/accepted-keys.ts';

const root = join(import.meta.dirname, '../..');
type Schema = Record<string, unknown>;

interface SchemaShapes {
  /** Shape path → keys offered. */
  keyed: Map<string, Set<string>>;
  /** Shape paths of maps with free keys (headers, subset). */
  free: Set<string>;
}

async function loadSchema(): Promise<Schema> {
  return JSON.parse(await readFile(join(root, 'scenarios/schema.json'), 'utf8')) as Schema;
}

/** Walks the schema the way the parser names its shapes: `a.b`, `list[]`, `faults[<kind>]`. */
function schemaShapes(schema: Schema): SchemaShapes {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const deref = (s: Schema): Schema => {
    const ref = s.$ref;
    if (typeof ref !== 'string') return s;
    const target = defs[ref.replace('#/$defs/', '')];
    assert.ok(target, `dangling $ref ${ref}`);
    return deref(target);
  };
  const out: SchemaShapes = { keyed: new Map(), free: new Set() };
  const walk = (raw: Schema, path: string, isItem: boolean): void => {
    const s = deref(raw);
    const props = s.properties as Record<string, Schema> | undefined;
    if (props !== undefined) {
      const keys = out.keyed.get(path) ?? new Set<string>();
      for (const [key, sub] of Object.entries(props)) {
        keys.add(key);
        walk(sub, path === '' ? key : `${path}.${key}`, false);
      }
      out.keyed.set(path, keys);
    } else if (s.type === 'object' && typeof s.additionalProperties === 'object') {
      out.free.add(path);
    }
    if (s.items !== undefined) walk(s.items as Schema, `${path}[]`, true);
    for (const branch of [...((s.oneOf as Schema[]) ?? []), ...((s.anyOf as Schema[]) ?? [])]) {
      const b = deref(branch);
      const kind = ((b.properties as Record<string, Schema> | undefined)?.kind as Schema | undefined)?.const;
      walk(b, isItem && typeof kind === 'string' ? path.replace(/\[\]$/, `[${kind}]`) : path, false);
    }
  };
  walk(schema, '', false);
  return out;
}

test('every key the parser accepts is in the schema, and the schema offers no other key', async () => {
  const { keyed } = schemaShapes(await loadSchema());
  const parser = new Map(Object.entries(ACCEPTED_KEYS).map(([shape, keys]) => [shape, [...keys].sort()]));
  const schema = new Map([...keyed].map(([shape, keys]) => [shape, [...keys].sort()]));
  for (const [shape, keys] of parser) assert.deepEqual(schema.get(shape), keys, `schema keys of "${shape}"`);
  for (const shape of schema.keys()) assert.ok(parser.has(shape), `schema has keys at "${shape}" that the parser does not read`);
});

test('every schema default that names a duration is a valid duration', async () => {
  const schema = await loadSchema();
  const durations: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      const s = value as Schema;
      if (s.$ref === '#/$defs/duration' && typeof s.default === 'string') durations.push(s.default);
      Object.values(s).forEach(collect);
    }
  };
  collect(schema);
  assert.ok(durations.length > 10);
  const pattern = new RegExp(((schema.$defs as Record<string, Schema>).duration as Schema).pattern as string);
  for (const d of durations) assert.match(d, pattern);
});

test('every shipped scenario uses only keys the schema knows', async () => {
  const shapes = schemaShapes(await loadSchema());
  const files = (await readdir(join(root, 'scenarios'))).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 2);
  for (const file of files) {
    const data: unknown = parse(await readFile(join(root, 'scenarios', file), 'utf8'));
    const visit = (value: unknown, path: string): void => {
      if (Array.isArray(value)) {
        for (const item of value) {
          const kind = path === 'faults' || path === 'conditions' ? (item as { kind?: unknown }).kind : undefined;
          visit(item, typeof kind === 'string' ? `${path}[${kind}]` : `${path}[]`);
        }
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      if (shapes.free.has(path)) return;
      const keys = shapes.keyed.get(path);
      assert.ok(keys, `${file}: the schema has no map at "${path}"`);
      for (const [key, inner] of Object.entries(value)) {
        assert.ok(keys.has(key), `${file}: key "${key}" at "${path}" is not in the schema`);
        visit(inner, path === '' ? key : `${path}.${key}`);
      }
    };
    visit(data, '');
  }
});
