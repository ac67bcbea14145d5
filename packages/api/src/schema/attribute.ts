/** `Attribute`: a name–value pair describing a customer (plan, country, billing interval…). */
import { builder } from './builder.ts';

export const AttributeRef = builder.objectRef<{ name: string; value: string }>('Attribute').implement({
  description: 'A customer attribute, e.g. { name: "country", value: "US" }.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Attribute name.' }),
    value: t.exposeString('value', { description: 'Its value.' }),
  }),
});

/** Attributes of a record as a list sorted by name. */
export function attributeList(
  attributes: Readonly<Record<string, string>>,
): { name: string; value: string }[] {
  return Object.entries(attributes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}
