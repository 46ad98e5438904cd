// The validator's error codes and texts, worded as a real org words them (soql.md §3.2). Texts
// the reference has verbatim are used verbatim; the others are marked UNCONFIRMED where they are
// built, modelled on the nearest confirmed text.

export interface Problem {
  errorCode: string;
  message: string;
}

const CUSTOM_FIELD_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom " +
  'field name. Please reference your WSDL or the describe call for the appropriate names.';
const CUSTOM_OBJECT_HINT =
  "If you are attempting to use a custom object, be sure to append the '__c' after the entity " +
  'name. Please reference your WSDL or the describe call for the appropriate names.';
const CUSTOM_RELATIONSHIP_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the " +
  'custom relationship name. Please reference your WSDL or the describe call for the appropriate ' +
  'names.';

export const problems = {
  unknownObject: (name: string): Problem => ({
    errorCode: 'INVALID_TYPE',
    message: `sObject type '${name}' is not supported. ${CUSTOM_OBJECT_HINT}`,
  }),
  unknownField: (name: string, objectName: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `No such column '${name}' on entity '${objectName}'. ${CUSTOM_FIELD_HINT}`,
  }),
  // UNCONFIRMED code (text verbatim).
  unknownParentRelationship: (name: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `Didn't understand relationship '${name}' in field path. ${CUSTOM_RELATIONSHIP_HINT}`,
  }),
  // UNCONFIRMED code; the text after "query call." is seen only as a prefix, completed like the
  // field-path text.
  unknownChildRelationship: (name: string): Problem => ({
    errorCode: 'INVALID_TYPE',
    message:
      `Didn't understand relationship '${name}' in FROM part of query call. ` +
      CUSTOM_RELATIONSHIP_HINT,
  }),
  // UNCONFIRMED: no org text captured for FROM-clause aliases that do not start at the driving
  // object; this one was reported for `FROM User u, CreatedBy cb` (IlluminatedCloud#482).
  drivingObject: (objectName: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message:
      'A driving SObject type has already been set, all other entity types in the FROM clause ' +
      `must be relationships to the initial object.  The driving object is ${objectName}`,
  }),
  // UNCONFIRMED text and code: modelled on the parent-to-child depth text.
  parentPathTooDeep: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message:
      'SOQL statements cannot query relationships more than 5 levels away from the root entity object.',
  }),
  // UNCONFIRMED text and code.
  tooManyParentRelationships: (max: number): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `SOQL statements cannot reference more than ${max} child-to-parent relationships.`,
  }),
  // Verbatim for API <= 57 (code UNCONFIRMED); the API >= 58 wording is UNCONFIRMED.
  childSubqueryTooDeep: (levels: number): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message:
      levels === 1
        ? 'SOQL statements cannot query aggregate relationships more than 1 level away from the root entity object.'
        : `SOQL statements cannot query aggregate relationships more than ${levels} levels away from the root entity object.`,
  }),
  // UNCONFIRMED text and code.
  tooManySubqueries: (max: number): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `SOQL statements cannot query more than ${max} parent-to-child relationships.`,
  }),
  // UNCONFIRMED text and code: what a polymorphic field allows without TYPEOF comes from the Name
  // pseudo-object, so an unknown field there reads `No such column 'X' on entity 'Name'`.
  typeofNotPolymorphic: (name: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `TYPEOF can only be used with a polymorphic relationship field; '${name}' is not one.`,
  }),
  // UNCONFIRMED text and code.
  typeofBadType: (objectName: string, relationship: string): Problem => ({
    errorCode: 'INVALID_TYPE',
    message: `'${objectName}' is not a type that '${relationship}' can refer to in a TYPEOF WHEN clause.`,
  }),
  // Semi-joins: only the first text and the EXCEEDED code are confirmed; the rest are UNCONFIRMED.
  semiJoinNotTopLevel: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message:
      'Semi join sub-selects are only allowed at the top level WHERE expressions and not in nested WHERE expressions.',
  }),
  tooManySemiJoins: (): Problem => ({
    errorCode: 'EXCEEDED_MAX_SEMIJOIN_SUBSELECTS',
    message: 'No more than two semi join or anti join sub-selects are allowed in a WHERE clause.',
  }),
  nestedSemiJoin: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'Nesting of semi join sub-selects is not supported',
  }),
  semiJoinLeftOperand: (name: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `The left operand of a semi join or anti join must be an Id or reference field of the outer object: '${name}'`,
  }),
  semiJoinSelect: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'A semi join or anti join sub-select must select exactly one Id or reference field.',
  }),
  semiJoinSelectField: (name: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `A semi join or anti join sub-select must select an Id or reference field: '${name}'`,
  }),
  semiJoinMismatch: (
    inner: string,
    innerTarget: string,
    outer: string,
    outerTarget: string,
  ): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `The sub-select field '${inner}' refers to ${innerTarget}, but '${outer}' holds ids of ${outerTarget}.`,
  }),
  // Verbatim for dates (code UNCONFIRMED); the other types follow the same pattern, UNCONFIRMED.
  valueType: (
    field: string,
    type: string,
    quoting: 'quoted' | 'needs quotes' | 'plain',
  ): Problem => ({
    errorCode: 'INVALID_FIELD',
    message:
      `value of filter criterion for field '${field}' must be of type ${type}` +
      (quoting === 'quoted'
        ? ' and should not be enclosed in quotes'
        : quoting === 'needs quotes'
          ? ' and should be enclosed in quotes'
          : ''),
  }),
  // UNCONFIRMED text and code.
  likeOnNonString: (field: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `LIKE operator only valid on string field: ${field}`,
  }),
  // UNCONFIRMED text and code.
  includesOnNonMultipicklist: (field: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `includes or excludes operator only valid on multipicklist field: ${field}`,
  }),
  // Code UNCONFIRMED (text verbatim).
  notGroupedOrAggregated: (field: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `Field must be grouped or aggregated: ${field}`,
  }),
  groupedAndAggregated: (field: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `Grouped field should not be aggregated: ${field}`,
  }),
  // Code UNCONFIRMED (text verbatim).
  notGroupable: (field: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `field '${field}' can not be grouped in a query call`,
  }),
  // Code UNCONFIRMED (text verbatim).
  notFilterable: (field: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `field '${field}' can not be filtered in a query call`,
  }),
  // UNCONFIRMED: worded like the filter/group texts.
  notSortable: (field: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `field '${field}' can not be sorted in a query call`,
  }),
  // UNCONFIRMED text and code.
  notAggregatable: (field: string, fn: string): Problem => ({
    errorCode: 'INVALID_FIELD',
    message: `field ${field} does not support aggregate operator ${fn}`,
  }),
  // UNCONFIRMED text and code.
  countNotAlone: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'COUNT() must be the only element in the SELECT list.',
  }),
  // UNCONFIRMED text and code (the rule is SFDOC's group-by considerations).
  limitWithoutGroupBy: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message:
      'A query with an aggregate function and a LIMIT clause must also have a GROUP BY clause.',
  }),
  // UNCONFIRMED text and code.
  tooManyRollupFields: (kind: 'ROLLUP' | 'CUBE'): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `GROUP BY ${kind} can have at most 3 fields.`,
  }),
  // Code UNCONFIRMED (text verbatim).
  duplicateField: (field: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `duplicate field selected: ${field}`,
  }),
  offsetTooLarge: (): Problem => ({
    errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
    message: 'Maximum SOQL offset allowed is 2000',
  }),
  // UNCONFIRMED text and code.
  subqueryOffset: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'OFFSET is only allowed in a sub-query when the outer query has LIMIT 1.',
  }),
  // UNCONFIRMED text and code: SFDOC says only that sub-queries can't use USING SCOPE (§1.4);
  // worded like the sub-query OFFSET text.
  subqueryUsingScope: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'USING SCOPE is not allowed in a sub-query.',
  }),
  // UNCONFIRMED text and code: the rule is SFDOC's group-by considerations (§1.4).
  subqueryInGroupBy: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'A query with a GROUP BY clause can not contain a parent-to-child sub-query.',
  }),
  // UNCONFIRMED text and code: OFFSET is certain (SFDOC offset page); ORDER BY and LIMIT come
  // from the semi-join restrictions list, itself UNCONFIRMED (§1.8). Worded like the other
  // semi-join texts.
  semiJoinClause: (clause: 'ORDER BY' | 'LIMIT' | 'OFFSET'): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `${clause} is not allowed in a semi join or anti join sub-select.`,
  }),
  // UNCONFIRMED text and code: worded like the filter/group texts (§1.7, §1.11).
  convertCurrencyInCondition: (clause: 'WHERE' | 'HAVING'): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `convertCurrency() can not be used in the ${clause} clause of a query call`,
  }),
  // UNCONFIRMED text and code: the rule is SFDOC's TYPEOF page (§1.5); worded like the
  // grouping texts, naming the offending path.
  typeofAlsoSelected: (relationship: string, path: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `Field ${relationship} is used in TYPEOF and can not also be selected as a relationship: ${path}`,
  }),
  fieldsNeedsLimit: (): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: 'The SOQL FIELDS function must have a LIMIT of at most 200',
  }),
  fieldsApiVersion: (): Problem => ({
    errorCode: 'UNSUPPORTED_API_VERSION',
    message: 'The SOQL FIELDS function is not supported in this version of the API',
  }),
  // UNCONFIRMED text and code.
  unknownFunction: (name: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `Unknown function: ${name}`,
  }),
  // UNCONFIRMED text and code.
  aggregateInWhere: (name: string): Problem => ({
    errorCode: 'MALFORMED_QUERY',
    message: `Aggregate function ${name} is not allowed in the WHERE clause; use HAVING.`,
  }),
};
