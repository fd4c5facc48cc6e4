/**
 * Every item of one DynamoDB Query, page after page, following `LastEvaluatedKey` (a page holds at
 * most 1 MB, or `Limit` items). The readers of the alert table's partitions share it.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * Yields the items of `input`'s Query in order. A page that fails is thrown as `fail(error)` (the
 * reader's own error, naming the partition), or as the SDK error when `fail` is absent.
 */
export async function* queryItems(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  fail?: (error: unknown) => Error,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  let startKey: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    } catch (error) {
      throw fail === undefined ? error : fail(error);
    }
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}
