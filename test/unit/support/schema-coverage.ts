/**
 * Which parts of the spec's schemas a set of values actually uses: every component schema reached, and every
 * `oneOf`/`anyOf` alternative taken (by a value that is valid against it, judged by Ajv over the bundled spec).
 * `reachable()` lists what could be used starting from some roots, so a test can assert that fixtures leave
 * nothing out, and name what they leave out.
 */
import { isObject } from "../../../src/extensions/internal/guards.js";
import { isValid } from "../../contract/support/ajv.js";
import { spec, type Schema } from "../../contract/support/spec.js";

const PREFIX = "#/components/schemas/";
const schemas = ((spec.components as Schema).schemas ?? {}) as Record<string, Schema>;

const refName = (schema: Schema): string | undefined =>
  typeof schema.$ref === "string" && schema.$ref.startsWith(PREFIX) ? schema.$ref.slice(PREFIX.length) : undefined;

/** `Component` or `Component/properties/x/oneOf/1`: a schema, or an alternative inside one. */
type Label = string;

function alternatives(
  node: unknown,
  pointer: string,
  component: string,
  out: Set<Label>,
  components: Set<string>,
  queue: string[],
): void {
  if (Array.isArray(node)) return;
  if (!isObject(node)) return;
  const name = refName(node);
  if (name !== undefined && !components.has(name)) {
    components.add(name);
    queue.push(name);
  }
  for (const keyword of ["oneOf", "anyOf"]) {
    const branches = node[keyword];
    if (Array.isArray(branches)) branches.forEach((_, i) => out.add(`${component}${pointer}/${keyword}/${i}`));
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && isObject(value)) {
      for (const [prop, sub] of Object.entries(value))
        alternatives(sub, `${pointer}/properties/${prop}`, component, out, components, queue);
    } else if (["items", "additionalProperties"].includes(key)) {
      alternatives(value, `${pointer}/${key}`, component, out, components, queue);
    } else if (["allOf", "oneOf", "anyOf"].includes(key) && Array.isArray(value)) {
      value.forEach((sub, i) => alternatives(sub, `${pointer}/${key}/${i}`, component, out, components, queue));
    }
  }
}

/** Every component and alternative reachable from `roots` (not looking inside `not`/`contains`, which are tests). */
export function reachable(roots: readonly string[]): Set<Label> {
  const components = new Set(roots);
  const labels = new Set<Label>();
  const queue = [...roots];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    labels.add(name);
    alternatives(schemas[name], "", name, labels, components, queue);
  }
  return labels;
}

/** Records, into `used`, the components and alternatives `value` goes through when checked against `schema`. */
export function trace(schema: unknown, value: unknown, used: Set<Label>, component = "", pointer = ""): void {
  if (!isObject(schema)) return;
  const name = refName(schema);
  if (name !== undefined) {
    used.add(name);
    trace(schemas[name], value, used, name, "");
    return;
  }
  for (const [i, member] of (Array.isArray(schema.allOf) ? schema.allOf : []).entries()) {
    trace(member, value, used, component, `${pointer}/allOf/${i}`);
  }
  for (const keyword of ["oneOf", "anyOf"]) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    branches.forEach((branch: Schema, i) => {
      if (!isValid(branch, value)) return;
      used.add(`${component}${pointer}/${keyword}/${i}`);
      trace(branch, value, used, component, `${pointer}/${keyword}/${i}`);
    });
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const [key, item] of Object.entries(value)) {
      if (key in properties) trace(properties[key], item, used, component, `${pointer}/properties/${key}`);
      else if (isObject(schema.additionalProperties))
        trace(schema.additionalProperties, item, used, component, `${pointer}/additionalProperties`);
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    for (const item of value) trace(schema.items, item, used, component, `${pointer}/items`);
  }
}
