// /crm/v3/properties/{type}: list, create (201), read, update (PATCH), archive (204), groups, batch read/create.
// Names are lower-case with underscores; type and fieldType must fit; enumerations need options; at most 10 unique
// properties per object. https://developers.hubspot.com/docs/guides/api/crm/properties
import { HubSpotError, validation } from '../http/errors.ts';
import { isObject, json, noContent, str } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { FIELD_TYPES } from '../schema/registry.ts';
import type { ObjectType, PropertyDef, PropertyOption } from '../types.ts';
import { batchInputs, bodyObject } from './context.ts';
import type { Ctx } from './context.ts';

const NAME_RE = /^[a-z][a-z0-9_]*$/;
const MAX_UNIQUE = 10;

function notFound(type: ObjectType, name: string): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} for object type ${type}.`, { context: { propertyName: [name] } });
}

function parseOptions(raw: unknown): PropertyOption[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw validation('options must be an array.');
  return raw.map((o, i) => {
    if (!isObject(o) || typeof o.label !== 'string' || typeof o.value !== 'string') throw validation('Each option needs a label and a value.');
    return {
      label: o.label, value: o.value, displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i, hidden: o.hidden === true,
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
    };
  });
}

/** Validates a PropertyCreate body into a definition (the error messages say what to fix). */
function parseCreate(ctx: Ctx, type: ObjectType, b: Record<string, unknown>): PropertyDef {
  const { name, label, type: ptype, fieldType, groupName } = b;
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw validation(`Property name ${JSON.stringify(name)} is invalid: use lower-case letters, digits and underscores, starting with a letter.`);
  if (typeof label !== 'string' || label === '') throw validation('label is required.');
  if (typeof ptype !== 'string' || !(ptype in FIELD_TYPES)) throw validation(`type must be one of ${Object.keys(FIELD_TYPES).join(', ')}.`);
  const t = ptype as PropertyDef['type'];
  if (typeof fieldType !== 'string' || !FIELD_TYPES[t].includes(fieldType as PropertyDef['fieldType'])) {
    throw validation(`fieldType ${JSON.stringify(fieldType)} is not valid for type ${t}: use one of ${FIELD_TYPES[t].join(', ')}.`);
  }
  if (typeof groupName !== 'string' || !ctx.acct.schema.group(type, groupName)) throw validation(`Property group ${JSON.stringify(groupName)} does not exist for ${type}.`);
  if (ctx.acct.schema.get(type, name)) throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`);
  const options = parseOptions(b.options);
  if (t === 'enumeration' && (!options || options.length === 0) && b.externalOptions !== true) {
    throw validation(`Enumeration property ${name} needs at least one option.`);
  }
  const unique = b.hasUniqueValue === true;
  if (unique && ctx.acct.schema.uniqueNames(type).length >= MAX_UNIQUE) {
    throw validation(`An object can have at most ${MAX_UNIQUE} properties with unique values.`);
  }
  return {
    name, label, type: t, fieldType: fieldType as PropertyDef['fieldType'], groupName, hasUniqueValue: unique, hubspotDefined: false,
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    ...(options ? { options } : {}),
    ...(typeof b.displayOrder === 'number' ? { displayOrder: b.displayOrder } : {}),
    ...(typeof b.hidden === 'boolean' ? { hidden: b.hidden } : {}),
    ...(typeof b.formField === 'boolean' ? { formField: b.formField } : {}),
    ...(b.externalOptions === true ? { externalOptions: true } : {}),
  };
}

function createOne(ctx: Ctx, type: ObjectType, b: Record<string, unknown>): Record<string, unknown> {
  const def = parseCreate(ctx, type, b);
  ctx.acct.schema.add(type, def);
  if (def.hasUniqueValue === true) ctx.acct.table(type).indexUnique(def.name);
  return ctx.acct.schema.toWire(type, def.name) ?? {};
}

function patch(ctx: Ctx, type: ObjectType, name: string, b: Record<string, unknown>): Res {
  const def = ctx.acct.schema.get(type, name);
  if (!def) throw notFound(type, name);
  if (def.readOnlyDefinition === true) throw validation(`Property ${name} has a read-only definition (modificationMetadata.readOnlyDefinition) and cannot be changed.`);
  const p: Partial<PropertyDef> = {};
  if (typeof b.label === 'string') p.label = b.label;
  if (typeof b.description === 'string') p.description = b.description;
  if (typeof b.groupName === 'string') {
    if (!ctx.acct.schema.group(type, b.groupName)) throw validation(`Property group ${JSON.stringify(b.groupName)} does not exist for ${type}.`);
    p.groupName = b.groupName;
  }
  if (typeof b.displayOrder === 'number') p.displayOrder = b.displayOrder;
  if (typeof b.hidden === 'boolean') p.hidden = b.hidden;
  if (typeof b.formField === 'boolean') p.formField = b.formField;
  if (b.type !== undefined || b.fieldType !== undefined) {
    if (def.hubspotDefined === true) throw validation(`The type of HubSpot-defined property ${name} cannot be changed.`);
    const t = (typeof b.type === 'string' ? b.type : def.type) as PropertyDef['type'];
    const f = (typeof b.fieldType === 'string' ? b.fieldType : def.fieldType) as PropertyDef['fieldType'];
    if (!(t in FIELD_TYPES) || !FIELD_TYPES[t].includes(f)) throw validation(`fieldType ${f} is not valid for type ${t}.`);
    p.type = t;
    p.fieldType = f;
  }
  const options = parseOptions(b.options);
  if (options) p.options = options;
  ctx.acct.schema.update(type, name, p);
  return json(200, ctx.acct.schema.toWire(type, name));
}

function groups(ctx: Ctx, type: ObjectType, name: string | undefined): Res {
  const s = ctx.acct.schema;
  const m = ctx.req.method;
  if (name === undefined) {
    if (m === 'GET') return json(200, { results: s.groupList(type).map((g) => s.groupToWire(g)) });
    if (m === 'POST') {
      const b = bodyObject(ctx);
      if (typeof b.name !== 'string' || !NAME_RE.test(b.name)) throw validation(`Group name ${JSON.stringify(b.name)} is invalid: use lower-case letters, digits and underscores.`);
      if (typeof b.label !== 'string' || b.label === '') throw validation('label is required.');
      if (s.group(type, b.name)) throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${b.name}' already exists.`);
      const g = s.putGroup(type, { name: b.name, label: b.label, ...(typeof b.displayOrder === 'number' ? { displayOrder: b.displayOrder } : {}) });
      return json(201, s.groupToWire(g));
    }
  } else {
    const g = s.group(type, name);
    if (!g) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property group ${name} for object type ${type}.`);
    if (m === 'GET') return json(200, s.groupToWire(g));
    if (m === 'PATCH') {
      const b = bodyObject(ctx);
      const next = { ...g, ...(typeof b.label === 'string' ? { label: b.label } : {}), ...(typeof b.displayOrder === 'number' ? { displayOrder: b.displayOrder } : {}) };
      return json(200, s.groupToWire(s.putGroup(type, next)));
    }
    if (m === 'DELETE') {
      s.removeGroup(type, name);
      return noContent();
    }
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported here.`);
}

export function routeProperties(ctx: Ctx, type: ObjectType, rest: string[]): Res {
  const s = ctx.acct.schema;
  const m = ctx.req.method;
  const [a, b] = rest;
  if (a === 'groups') return groups(ctx, type, b);
  if (a === 'batch' && m === 'POST' && b === 'read') {
    const inputs = batchInputs(ctx);
    const names = inputs.map((i) => str(i.name));
    const results = names.map((n) => s.toWire(type, n)).filter((r) => r !== undefined);
    const missing = names.filter((n) => !s.get(type, n));
    const now = new Date(ctx.acct.now()).toISOString();
    if (missing.length === 0) return json(200, { status: 'COMPLETE', results, startedAt: now, completedAt: now });
    return json(207, { status: 'COMPLETE', results, numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Unable to find properties: ${missing.join(', ')}`, context: { properties: missing } }], startedAt: now, completedAt: now });
  }
  if (a === 'batch' && m === 'POST' && b === 'create') {
    const inputs = batchInputs(ctx);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      try {
        results.push(createOne(ctx, type, input));
      } catch (e) {
        if (!(e instanceof HubSpotError)) throw e;
        errors.push({ status: 'error', category: e.category, message: e.message, context: { name: [str(input.name)] } });
      }
    }
    const now = new Date(ctx.acct.now()).toISOString();
    if (errors.length === 0) return json(201, { status: 'COMPLETE', results, startedAt: now, completedAt: now });
    return json(207, { status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt: now, completedAt: now });
  }
  if (a === undefined) {
    if (m === 'GET') return json(200, { results: s.list(type).map((d) => s.toWire(type, d.name)) });
    if (m === 'POST') return json(201, createOne(ctx, type, bodyObject(ctx)));
  } else {
    if (m === 'GET') {
      const w = s.toWire(type, a);
      if (!w) throw notFound(type, a);
      return json(200, w);
    }
    if (m === 'PATCH') return patch(ctx, type, a, bodyObject(ctx));
    if (m === 'DELETE') {
      const def = s.get(type, a);
      if (!def) throw notFound(type, a);
      if (def.hubspotDefined === true) throw validation(`HubSpot-defined property ${a} cannot be archived.`);
      s.remove(type, a);
      return noContent();
    }
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported here.`);
}
