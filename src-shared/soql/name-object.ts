// The `Name` pseudo-object: what a polymorphic lookup (Who, What, a queue-or-user Owner) can be
// followed to without TYPEOF. The validator and completion both read this one list.
import { fieldDescribe, type FieldDescribe } from '../salesforce';

function nameField(
  name: string,
  type: string,
  reference?: { to: string; relationship: string },
): FieldDescribe {
  const isText = type !== 'boolean' && type !== 'datetime' && type !== 'id' && type !== 'reference';
  return fieldDescribe(name, type, {
    label: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
    length: isText ? 255 : 18,
    nillable: type !== 'boolean' && type !== 'id',
    custom: false,
    referenceTo: reference ? [reference.to] : [],
    relationshipName: reference?.relationship ?? null,
    groupable: type !== 'datetime',
    aggregatable: type !== 'boolean',
  });
}

/**
 * The `Name` pseudo-object (SFDOC object reference, "Name"): without TYPEOF, a polymorphic
 * lookup can only be followed to these fields. The list follows the object reference; which of
 * them a given org exposes (photo URLs, NameOrAlias) is UNCONFIRMED.
 */
export const NAME_OBJECT_FIELDS: readonly FieldDescribe[] = [
  nameField('Id', 'id'),
  nameField('Name', 'string'),
  nameField('FirstName', 'string'),
  nameField('LastName', 'string'),
  nameField('MiddleName', 'string'),
  nameField('Suffix', 'string'),
  nameField('Alias', 'string'),
  nameField('NameOrAlias', 'string'),
  nameField('CommunityNickname', 'string'),
  nameField('Username', 'string'),
  nameField('Type', 'string'),
  nameField('Title', 'string'),
  nameField('Email', 'email'),
  nameField('Phone', 'phone'),
  nameField('IsActive', 'boolean'),
  nameField('SmallPhotoUrl', 'url'),
  nameField('MediumPhotoUrl', 'url'),
  nameField('FullPhotoUrl', 'url'),
  nameField('LastReferencedDate', 'datetime'),
  nameField('LastViewedDate', 'datetime'),
  nameField('ProfileId', 'reference', { to: 'Profile', relationship: 'Profile' }),
  nameField('UserRoleId', 'reference', { to: 'UserRole', relationship: 'UserRole' }),
  nameField('RecordTypeId', 'reference', { to: 'RecordType', relationship: 'RecordType' }),
];
