"""Smoke test of the DynamoDB atomicity patch (moto evaluates conditions and writes without a lock)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from sandbox.patches import dynamodb_atomic

THREADS = 16


def _table(client) -> None:
    client.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_wraps_every_write_operation_and_uninstalls_cleanly():
    # GIVEN the patch installed  WHEN inspecting moto's backend  THEN every write is the serialized one
    dynamodb_atomic.PATCH.install()
    try:
        for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
            assert getattr(getattr(DynamoDBBackend, name), "__sandbox_patch__", False), name
    finally:
        dynamodb_atomic.PATCH.uninstall()
    # AND uninstalling restores moto's own methods
    assert not getattr(DynamoDBBackend.put_item, "__sandbox_patch__", False)


def test_concurrent_conditional_writes_behave_as_in_dynamodb():
    dynamodb_atomic.PATCH.install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            _table(client)

            def claim(i: int) -> bool:
                try:
                    client.put_item(
                        TableName="t",
                        Item={"pk": {"S": "UPLOAD#x"}, "owner": {"N": str(i)}},
                        ConditionExpression="attribute_not_exists(pk)",
                    )
                    return True
                except ClientError as error:
                    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
                    return False

            def reserve(_: int) -> int:
                response = client.update_item(
                    TableName="t",
                    Key={"pk": {"S": "CHAIN#c"}},
                    UpdateExpression="ADD lastSequence :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                    ReturnValues="UPDATED_NEW",
                )
                return int(response["Attributes"]["lastSequence"]["N"])

            # WHEN many threads claim one key and reserve sequence numbers at once
            with ThreadPoolExecutor(THREADS) as pool:
                claims = list(pool.map(claim, range(THREADS)))
                sequences = list(pool.map(reserve, range(THREADS)))
    finally:
        dynamodb_atomic.PATCH.uninstall()
    # THEN exactly one claim won and every sequence number is unique, as DynamoDB guarantees
    assert claims.count(True) == 1
    assert sorted(sequences) == list(range(1, THREADS + 1))
