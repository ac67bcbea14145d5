/**
 * The one wire contract: TypeScript types (and, for the widgets, typed document strings) generated
 * from `schema.graphql` and the `.graphql` documents of each client in the repository. Run
 * `pnpm codegen` after changing a document or the schema; `test/wire-contract.test.ts` fails while a
 * committed file differs from what this writes, or while a document asks for what the schema lacks.
 *
 * What it emits, per target: the schema's enums and input objects that the documents reach (as string
 * unions and interfaces), one interface per fragment (named as the fragment), and per operation its
 * result (`<Name>Query`) and variables (`<Name>QueryVariables`). Fields are `readonly`, nullable ones
 * `T | null`; optional input fields and nullable variables are optional. Each field carries its
 * schema description.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  isInputObjectType,
  Kind,
  NoUnusedFragmentsRule,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionNode,
  type SelectionSetNode,
  Source,
  specifiedRules,
  stripIgnoredCharacters,
  typeFromAST,
  validate,
} from 'graphql';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The committed SDL every target is generated from. */
export const SCHEMA_PATH = resolve(REPO, 'packages/api/schema.graphql');

/** One client whose documents get types. */
export interface CodegenTarget {
  /** Folder (from the repository root) whose `*.graphql` files are the documents. */
  readonly documents: string;
  /** File (from the repository root) to write. */
  readonly output: string;
  /**
   * Emit each operation as `export const <Name>Document`: a {@link TypedDocument}-typed string, one
   * self-contained operation with its fragments written in place (a leading `prefix` of the
   * operation name is dropped), importing `TypedDocument` from this module.
   */
  readonly typedDocuments?: { readonly from: string; readonly prefix: string };
  /** Export every fragment's text as `<Name>Fragment` (for clients that compose queries by hand). */
  readonly fragmentSources?: boolean;
}

/** Every client of the API in the repository. */
export const TARGETS: readonly CodegenTarget[] = [
  {
    documents: 'packages/widgets/src/graphql',
    output: 'packages/widgets/src/graphql.generated.ts',
    typedDocuments: { from: './documents.ts', prefix: 'Nrr' },
  },
  {
    documents: 'examples/analyst-queries/queries',
    output: 'examples/analyst-queries/src/queries.generated.ts',
  },
  { documents: 'bench/src/graphql', output: 'bench/src/graphql.generated.ts', fragmentSources: true },
];

/** How the schema's custom scalars read in TypeScript (each is a string on the wire). */
const SCALARS: Readonly<Record<string, { readonly name: string; readonly ts: string }>> = {
  String: { name: 'string', ts: 'string' },
  ID: { name: 'string', ts: 'string' },
  Int: { name: 'number', ts: 'number' },
  Float: { name: 'number', ts: 'number' },
  Boolean: { name: 'boolean', ts: 'boolean' },
  Date: { name: 'IsoDate', ts: 'string' },
  DateTime: { name: 'IsoDateTime', ts: 'string' },
};

/** A document that does not fit the schema: the file and GraphQL's own message with its line. */
export class DocumentError extends Error {}

/** Reads a target's documents: `[file, text]` sorted by file name. */
export function readDocuments(target: CodegenTarget): [string, string][] {
  const folder = resolve(REPO, target.documents);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => [resolve(folder, name), readFileSync(resolve(folder, name), 'utf8')]);
}

/**
 * Checks every document of `target` against the schema (GraphQL's validation: unknown fields,
 * arguments and types, wrong variables) and returns the file's text; throws {@link DocumentError}
 * naming each problem, file and line.
 */
export function generate(target: CodegenTarget, sdl = readFileSync(SCHEMA_PATH, 'utf8')): string {
  const schema = buildSchema(sdl);
  const files = readDocuments(target);
  const documents = files.map(([file, text]) => parse(new Source(text, relative(REPO, file))));
  const merged: DocumentNode = { kind: Kind.DOCUMENT, definitions: documents.flatMap((d) => d.definitions) };
  // A fragment may stand alone: it names a result type that a client composes into queries itself.
  const rules = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);
  const problems = validate(schema, merged, rules).map((error) => {
    const where = error.locations?.[0];
    const file = error.source?.name ?? target.documents;
    return `${file}${where ? `:${where.line}:${where.column}` : ''}: ${error.message}`;
  });
  if (problems.length > 0)
    throw new DocumentError(`${target.documents} does not fit the schema:\n${problems.join('\n')}`);
  return new Emitter(schema, merged, target, files).emit();
}

class Emitter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly enums = new Set<string>();
  private readonly inputs = new Set<string>();
  private readonly scalars = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly target: CodegenTarget,
    private readonly files: readonly [string, string][],
  ) {
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
  }

  emit(): string {
    const blocks: string[] = [];
    for (const fragment of this.fragments.values()) {
      const type = this.schema.getType(fragment.typeCondition.name.value) as GraphQLObjectType;
      blocks.push(
        `${doc(type.description)}export ${declare(fragment.name.value, this.selection(fragment.selectionSet, type, ''))}`,
      );
    }
    if (this.target.fragmentSources) {
      for (const [name, fragment] of this.fragments)
        blocks.push(
          `/** Text of fragment \`${name}\`. */\nexport const ${name}Fragment = ${JSON.stringify(compact(fragment))};`,
        );
    }
    const operations = this.document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    for (const operation of operations) {
      const name = operation.name?.value;
      if (!name) throw new DocumentError(`${this.target.documents}: every operation needs a name`);
      const root = this.schema.getQueryType() as GraphQLObjectType;
      if (operation.operation !== 'query') throw new DocumentError(`${name}: only queries are generated`);
      blocks.push(
        `/** Result of \`${name}\`. */\nexport ${declare(`${name}Query`, this.selection(operation.selectionSet, root, ''))}`,
      );
      const variables = (operation.variableDefinitions ?? []).map((v) => {
        const type = typeFromAST(this.schema, v.type) as GraphQLInputType;
        const optional = !(type instanceof GraphQLNonNull) || v.defaultValue !== undefined;
        const ts = this.input(type);
        return `  readonly ${v.variable.name.value}${optional ? '?' : ''}: ${optional ? orNull(ts) : ts};`;
      });
      blocks.push(
        `/** Variables of \`${name}\`. */\nexport ${declare(`${name}QueryVariables`, variables.length ? `{\n${variables.join('\n')}\n}` : 'Record<string, never>')}`,
      );
      if (this.target.typedDocuments) {
        const { prefix } = this.target.typedDocuments;
        const constant = `${name.startsWith(prefix) ? name.slice(prefix.length) : name}Document`;
        const text = compact({ ...operation, selectionSet: this.inline(operation.selectionSet) });
        blocks.push(
          `/** \`${name}\` as sent (its fragments written in place). */\nexport const ${constant} = ${JSON.stringify(text)} as TypedDocument<\n  ${name}Query,\n  ${name}QueryVariables\n>;`,
        );
      }
    }
    const head = [...this.enums].sort().map((name) => {
      const type = this.schema.getType(name) as GraphQLEnumType;
      const values = type.getValues().map((v) => `\n  ${doc(v.description, '  ')}| '${v.name}'`);
      return `${doc(type.description)}export type ${name} =${values.join('')};`;
    });
    for (const name of [...this.inputs].sort()) {
      const type = this.schema.getType(name) as GraphQLInputObjectType;
      const fields = Object.values(type.getFields()).map((field) => {
        const optional = !(field.type instanceof GraphQLNonNull) || field.defaultValue !== undefined;
        return `  ${doc(field.description, '  ')}readonly ${field.name}${optional ? '?' : ''}: ${this.input(field.type, false)};`;
      });
      head.push(`${doc(type.description)}export interface ${name} {\n${fields.join('\n')}\n}`);
    }
    const scalars = [...this.scalars].sort().map((name) => {
      const type = this.schema.getType(name) as GraphQLScalarType;
      const mapped = SCALARS[name] as { name: string; ts: string };
      return `${doc(type.description)}export type ${mapped.name} = ${mapped.ts};`;
    });
    const sources = this.files.map(([file]) => relative(REPO, file)).join(', ');
    const imports = this.target.typedDocuments
      ? `import type { TypedDocument } from '${this.target.typedDocuments.from}';\n\n`
      : '';
    return `// Generated by \`pnpm codegen\` (packages/api/scripts/graphql-types.ts) from packages/api/schema.graphql
// and ${sources}. Do not edit: change the documents or the schema and regenerate.
${imports}${[...scalars, ...head, ...blocks].join('\n\n')}\n`;
  }

  /**
   * `set` with every fragment spread replaced by the fragment's selections (the fragments here have
   * no type conditions to keep: each is spread on its own type), so that a document is one
   * self-contained operation: shorter on the wire and in a bundle than operation plus fragments.
   */
  private inline(set: SelectionSetNode): SelectionSetNode {
    const selections = set.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = this.fragments.get(selection.name.value) as FragmentDefinitionNode;
        return [...this.inline(fragment.selectionSet).selections];
      }
      if (selection.kind === Kind.INLINE_FRAGMENT)
        return [{ ...selection, selectionSet: this.inline(selection.selectionSet) }];
      return [
        selection.selectionSet
          ? { ...selection, selectionSet: this.inline(selection.selectionSet) }
          : selection,
      ];
    });
    return { ...set, selections };
  }

  /** The TypeScript type of a selection on `parent`: a fragment's name, an object literal, or both. */
  private selection(set: SelectionSetNode, parent: GraphQLObjectType, indent: string): string {
    const spreads: string[] = [];
    const fields: string[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) spreads.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        spreads.push(this.selection(selection.selectionSet, parent, indent));
      else {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === '__typename') {
          fields.push(`${indent}  readonly ${key}: '${parent.name}';`);
          continue;
        }
        const field = parent.getFields()[selection.name.value] as GraphQLField<unknown, unknown>;
        const type = this.output(field.type, selection.selectionSet, `${indent}  `);
        fields.push(`${indent}  ${doc(field.description, `${indent}  `)}readonly ${key}: ${type};`);
      }
    }
    const literal = fields.length ? [`{\n${fields.join('\n')}\n${indent}}`] : [];
    return [...spreads, ...literal].join(' & ') || 'Record<string, never>';
  }

  private output(type: GraphQLOutputType, set: SelectionSetNode | undefined, indent: string): string {
    const nullable = !(type instanceof GraphQLNonNull);
    const inner = type instanceof GraphQLNonNull ? type.ofType : type;
    let ts: string;
    if (inner instanceof GraphQLList) ts = list(this.output(inner.ofType, set, indent));
    else if (inner instanceof GraphQLObjectType) ts = this.selection(set as SelectionSetNode, inner, indent);
    else ts = this.leaf(inner as GraphQLScalarType | GraphQLEnumType);
    return nullable ? orNull(ts) : ts;
  }

  /** An input type; `nullable` adds `| null` to a nullable one (variables may be null; fields are left out). */
  private input(type: GraphQLInputType, nullable = false): string {
    const inner = type instanceof GraphQLNonNull ? type.ofType : type;
    let ts: string;
    if (inner instanceof GraphQLList) ts = list(this.input(inner.ofType, true));
    else if (isInputObjectType(inner)) {
      if (!this.inputs.has(inner.name)) {
        this.inputs.add(inner.name);
        for (const field of Object.values(inner.getFields())) this.input(field.type);
      }
      ts = inner.name;
    } else ts = this.leaf(inner as GraphQLScalarType | GraphQLEnumType);
    return nullable && !(type instanceof GraphQLNonNull) ? orNull(ts) : ts;
  }

  private leaf(type: GraphQLScalarType | GraphQLEnumType): string {
    if (type instanceof GraphQLEnumType) {
      this.enums.add(type.name);
      return type.name;
    }
    const mapped = SCALARS[type.name];
    if (!mapped) throw new DocumentError(`scalar ${type.name} has no TypeScript mapping in graphql-types.ts`);
    if (mapped.name !== mapped.ts) this.scalars.add(type.name);
    return mapped.name;
  }
}

function declare(name: string, type: string): string {
  return type.startsWith('{') ? `interface ${name} ${type}` : `type ${name} = ${type};`;
}

function orNull(ts: string): string {
  return `${ts} | null`;
}

function list(element: string): string {
  return /[|&]/.test(element) && !element.startsWith('{')
    ? `readonly (${element})[]`
    : `readonly ${element}[]`;
}

function compact(node: OperationDefinitionNode | FragmentDefinitionNode): string {
  return stripIgnoredCharacters(print(node));
}

function doc(description: string | null | undefined, indent = ''): string {
  if (!description) return '';
  const text = description.replaceAll('*/', '*\\/').trim();
  return text.includes('\n')
    ? `/**\n${text
        .split('\n')
        .map((line) => `${indent} * ${line}`.trimEnd())
        .join('\n')}\n${indent} */\n${indent}`
    : `/** ${text} */\n${indent}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const target of TARGETS) {
    const out = resolve(REPO, target.output);
    writeFileSync(out, generate(target));
    console.log(
      `wrote ${relative(REPO, out)} from ${readDocuments(target)
        .map(([f]) => basename(f))
        .join(', ')}`,
    );
  }
}
