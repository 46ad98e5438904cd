// The objects the validator resolves names against: describes from a catalog, plus the `Name`
// pseudo-object a polymorphic lookup (Who, What, a queue-or-user Owner) resolves to.
import type {
  ChildRelationship,
  DescribeCatalog,
  FieldDescribe,
  GlobalSObject,
} from '../salesforce';
import { NAME_OBJECT_FIELDS as NAME_FIELDS } from './name-object';

export interface ObjectView {
  /** The object's API name as described ('Name' for the polymorphic pseudo-object). */
  name: string;
  field(name: string): FieldDescribe | undefined;
  parentRelationship(name: string): FieldDescribe | undefined;
  childRelationship(name: string): ChildRelationship | undefined;
  fields(): readonly FieldDescribe[];
}

const NAME_BY_FIELD = new Map(NAME_FIELDS.map((f) => [f.name.toLowerCase(), f]));
const NAME_BY_RELATIONSHIP = new Map(
  NAME_FIELDS.filter((f) => f.relationshipName).map((f) => [f.relationshipName!.toLowerCase(), f]),
);

export const NAME_OBJECT: ObjectView = {
  name: 'Name',
  field: (name) => NAME_BY_FIELD.get(name.toLowerCase()),
  parentRelationship: (name) => NAME_BY_RELATIONSHIP.get(name.toLowerCase()),
  childRelationship: () => undefined,
  fields: () => NAME_FIELDS,
};

/** A lookup that can point at more than one object type. */
export function isPolymorphic(field: FieldDescribe): boolean {
  return field.referenceTo.length > 1 || field.polymorphicForeignKey === true;
}

export type ObjectLookup =
  | { kind: 'described'; view: ObjectView }
  /** Listed by describeGlobal (or named by a lookup) but not described: nothing to check. */
  | { kind: 'listed'; name: string }
  | { kind: 'unknown' };

// The global list is indexed once per catalog, so a lookup never scans every object.
const globalIndexes = new WeakMap<DescribeCatalog, Map<string, GlobalSObject>>();

function globalIndex(catalog: DescribeCatalog): Map<string, GlobalSObject> {
  let index = globalIndexes.get(catalog);
  if (!index) {
    index = new Map();
    for (const entry of catalog.objects()) index.set(entry.name.toLowerCase(), entry);
    globalIndexes.set(catalog, index);
  }
  return index;
}

/** Object views for one validation run, built once per object. */
export class ObjectViews {
  private readonly views = new Map<string, ObjectLookup>();

  constructor(private readonly catalog: DescribeCatalog) {}

  lookup(objectName: string): ObjectLookup {
    const key = objectName.toLowerCase();
    let found = this.views.get(key);
    if (found) return found;
    const described = this.catalog.describe(objectName);
    if (described && described.queryable !== false) {
      const catalog = this.catalog;
      const name = described.name;
      found = {
        kind: 'described',
        view: {
          name,
          field: (f) => catalog.field(name, f),
          parentRelationship: (r) => catalog.parentRelationship(name, r),
          childRelationship: (r) => catalog.childRelationship(name, r),
          fields: () => described.fields,
        },
      };
    } else {
      const listed = described ? undefined : globalIndex(this.catalog).get(key);
      found =
        listed && listed.queryable !== false
          ? { kind: 'listed', name: listed.name }
          : { kind: 'unknown' };
    }
    this.views.set(key, found);
    return found;
  }

  /** Where a lookup leads: the Name pseudo-object when polymorphic; undefined when not described. */
  target(lookupField: FieldDescribe): ObjectView | undefined {
    if (isPolymorphic(lookupField)) return NAME_OBJECT;
    const to = lookupField.referenceTo[0];
    if (to === undefined) return undefined;
    const found = this.lookup(to);
    return found.kind === 'described' ? found.view : undefined;
  }
}
