/**
 * The DynamoDB client of the ledger's table: the function's own in AWS, or one at another endpoint (tests
 * and local runs) with throwaway credentials.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export function dynamoDbClient(endpoint?: string, region = "us-east-1"): DynamoDBClient {
  if (!endpoint) return new DynamoDBClient({});
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}
