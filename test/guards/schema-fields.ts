/**
 * The field paths of a zod schema, for the policy-field guards: `a.b`,
 * `list[].c` and `map.<key>.d`, each with the field's own name.
 */
type Def = Record<string, unknown> & { type?: string };

/** Field paths of a zod schema (`a.b`, `list[].c`, `map.<key>.d`) with each field's own name. */
export function schemaFields(
  schema: unknown,
  path = '',
  out = new Map<string, string>(),
  seen = new Set<unknown>(),
): Map<string, string> {
  const def = (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;
  if (!def || seen.has(schema)) return out;
  seen.add(schema);
  const inner = (s: unknown, p = path) => schemaFields(s, p, out, seen);
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def['shape'] as Record<string, unknown>)) {
        out.set(`${path}${key}`, key);
        inner(value, `${path}${key}.`);
      }
      break;
    case 'pipe':
      inner(def['in']);
      inner(def['out']);
      break;
    case 'array':
      inner(def['element'], `${path.replace(/\.$/, '')}[].`);
      break;
    case 'record':
      inner(def['valueType'], `${path}<key>.`);
      break;
    case 'union':
      for (const option of def['options'] as unknown[]) inner(option);
      break;
    default:
      for (const key of ['innerType', 'in', 'schema']) if (def[key]) inner(def[key]);
  }
  return out;
}
