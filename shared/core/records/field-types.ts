/**
 * Fields the classifier reads from a denied Bedrock call, with the JSON type CloudTrail writes
 * them in. A field of another type (`"awsRegion": 7`) is read as unknown by the classifier; this
 * says so, so the reader can report it instead of silently showing `?`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
const STRING_FIELDS = ['eventID', 'eventTime', 'eventName', 'awsRegion', 'recipientAccountId', 'errorMessage', 'userAgent', 'sourceIPAddress'] as const;
const OBJECT_FIELDS = ['userIdentity', 'requestParameters', 'additionalEventData'] as const;
const NESTED_STRING_FIELDS: ReadonlyArray<readonly [(typeof OBJECT_FIELDS)[number], string]> = [
  ['userIdentity', 'arn'],
  ['userIdentity', 'accountId'],
  ['requestParameters', 'modelId'],
  ['additionalEventData', 'inferenceRegion'],
];

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Names every field of `record` that the classifier reads but that has the wrong JSON type, as
 * `awsRegion is a number, not a string`. Missing and `null` fields are not wrong (CloudTrail
 * omits or nulls what does not apply). Empty for a well-formed record.
 */
export function wrongFieldTypes(record: Record<string, unknown>): string[] {
  const wrong: string[] = [];
  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null && typeof value !== 'string') wrong.push(`${field} is ${typeName(value)}, not a string`);
  }
  for (const field of OBJECT_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null && !isObject(value)) wrong.push(`${field} is ${typeName(value)}, not an object`);
  }
  for (const [parent, field] of NESTED_STRING_FIELDS) {
    const holder = record[parent];
    if (!isObject(holder)) continue;
    const value = holder[field];
    if (value !== undefined && value !== null && typeof value !== 'string') wrong.push(`${parent}.${field} is ${typeName(value)}, not a string`);
  }
  return wrong;
}
