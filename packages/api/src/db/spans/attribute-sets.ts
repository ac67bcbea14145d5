/**
 * A tenant's attribute sets (`span_attribute_sets`): each distinct set of span attributes is
 * stored once and numbered; spans refer to it by number.
 */
import { sql } from 'drizzle-orm';
import { arrayLiteral, resultRows, type Tx } from '../tenant-scope.ts';

/** The tenant's attribute sets by number; an empty set as `undefined` (a span without attributes). */
export async function readAttributeSets(
  tx: Tx,
  tenantId: string,
): Promise<Map<number, Readonly<Record<string, string>> | undefined>> {
  const sets = new Map<number, Readonly<Record<string, string>> | undefined>();
  for (const row of await attributeSetRows(tx, tenantId)) {
    const values = JSON.parse(row.attributes) as Record<string, string>;
    sets.set(Number(row.set_id), Object.keys(values).length > 0 ? values : undefined);
  }
  return sets;
}

/** The tenant's stored attribute sets, as JSON text. */
async function attributeSetRows(tx: Tx, tenantId: string): Promise<{ set_id: number; attributes: string }[]> {
  return resultRows<{ set_id: number; attributes: string }>(
    await tx.execute(
      sql`select set_id, attributes::text as attributes from span_attribute_sets where tenant_id = ${tenantId}`,
    ),
  );
}

/**
 * A tenant's attribute sets during one import: the stored ones, loaded once, and the new ones,
 * numbered after them and stored by {@link AttributeSets.store} within the import's transaction
 * (imports of a tenant run one at a time, so numbers cannot collide). A set is found by value,
 * keys in any order, as jsonb equality finds it; by object first, since importers share one
 * object among the rows that repeat a set.
 */
export class AttributeSets {
  readonly #byValue = new Map<string, number>();
  readonly #byObject = new Map<object, number>();
  #next = 1;
  #added: { id: number; json: string }[] = [];
  #lastObject: object | undefined;
  #lastId = 0;

  static async load(tx: Tx, tenantId: string): Promise<AttributeSets> {
    const sets = new AttributeSets();
    for (const row of await attributeSetRows(tx, tenantId)) {
      const id = Number(row.set_id);
      sets.#byValue.set(setKey(JSON.parse(row.attributes) as Record<string, string>), id);
      if (id >= sets.#next) sets.#next = id + 1;
    }
    return sets;
  }

  /** The number of a span's attribute set (an absent one is the empty set), numbering it if new. */
  idOf(attributes: Readonly<Record<string, string>> | undefined): number {
    const object = attributes ?? NO_ATTRIBUTES;
    if (object === this.#lastObject) return this.#lastId;
    let id = this.#byObject.get(object);
    if (id === undefined) {
      const key = setKey(object);
      id = this.#byValue.get(key);
      if (id === undefined) {
        id = this.#next++;
        this.#byValue.set(key, id);
        this.#added.push({ id, json: JSON.stringify(object) });
      }
      if (this.#byObject.size >= 10_000) this.#byObject.clear();
      this.#byObject.set(object, id);
    }
    this.#lastObject = object;
    this.#lastId = id;
    return id;
  }

  /** Stores the sets numbered since the last call. */
  async store(tx: Tx, tenantId: string): Promise<void> {
    if (this.#added.length === 0) return;
    const added = this.#added;
    this.#added = [];
    await tx.execute(sql`
      insert into span_attribute_sets (tenant_id, set_id, attributes)
      select ${tenantId}, u.set_id, u.attributes::jsonb
      from unnest(${arrayLiteral(added.map((set) => String(set.id)))}::integer[],
        ${arrayLiteral(added.map((set) => set.json))}::text[]) as u(set_id, attributes)`);
  }
}

/**
 * The numbers of a few spans' attribute sets (`undefined`: the empty set), in order, for a write
 * too small to be worth {@link AttributeSets.load}ing every set of the tenant: the stored sets are
 * found by value (the `(tenant_id, attributes)` index) and the new ones numbered after the
 * tenant's greatest and stored, within the import's transaction (imports of a tenant run one at a
 * time, so numbers cannot collide). One statement, and one more when some set is new.
 */
export async function attributeSetIds(
  tx: Tx,
  tenantId: string,
  attributes: readonly (Readonly<Record<string, string>> | undefined)[],
): Promise<number[]> {
  const byKey = new Map<string, { json: string; id: number | undefined }>();
  const keys = attributes.map((values) => {
    const object = values ?? NO_ATTRIBUTES;
    const key = setKey(object);
    if (!byKey.has(key)) byKey.set(key, { json: JSON.stringify(object), id: undefined });
    return key;
  });
  const wanted = [...byKey.values()].map((entry) => entry.json);
  const rows = resultRows<{ set_id: number; attributes: string | null }>(
    await tx.execute(sql`
      select set_id, attributes::text as attributes from span_attribute_sets
      where tenant_id = ${tenantId} and attributes = any(${arrayLiteral(wanted)}::jsonb[])
      union all
      select coalesce(max(set_id), 0), null from span_attribute_sets where tenant_id = ${tenantId}`),
  );
  let next = 1;
  for (const row of rows) {
    if (row.attributes === null) next = Number(row.set_id) + 1;
    else {
      const entry = byKey.get(setKey(JSON.parse(row.attributes) as Record<string, string>));
      if (entry) entry.id = Number(row.set_id);
    }
  }
  const added: { id: number; json: string }[] = [];
  for (const entry of byKey.values()) {
    if (entry.id !== undefined) continue;
    entry.id = next++;
    added.push({ id: entry.id, json: entry.json });
  }
  if (added.length > 0) {
    await tx.execute(sql`
      insert into span_attribute_sets (tenant_id, set_id, attributes)
      select ${tenantId}, u.set_id, u.attributes::jsonb
      from unnest(${arrayLiteral(added.map((set) => String(set.id)))}::integer[],
        ${arrayLiteral(added.map((set) => set.json))}::text[]) as u(set_id, attributes)`);
  }
  return keys.map((key) => byKey.get(key)?.id as number);
}

/** The attributes of a span that has none. */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** A set's identity by value: its entries in key order. */
function setKey(values: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((key) => [key, values[key]]),
  );
}
