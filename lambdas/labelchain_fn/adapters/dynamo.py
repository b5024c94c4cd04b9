"""A thin typed layer over the low-level DynamoDB client.

The low-level client (not the resource) keeps one client type across adapters and lets tests wrap it in a
``Stubber``. Values cross this layer as plain Python: numbers come back as :class:`~decimal.Decimal` (never
``float``, which DynamoDB would round) and floats going in are converted through ``str`` for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from labelchain_fn.adapters import clients

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


class ConditionFailed(Exception):
    """A conditional write did not apply (``ConditionalCheckFailedException``)."""


class TransactionConflict(Exception):
    """A transaction was cancelled: a condition did not hold or another write raced it."""


def _plain(value: Any) -> Any:
    """Floats to Decimal (via ``str`` so 0.1 stays 0.1), recursively; tuples to lists."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """Python mapping -> DynamoDB attribute-value map."""
    return {k: _SERIALIZER.serialize(_plain(v)) for k, v in item.items()}


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute-value map -> Python dict (numbers as Decimal)."""
    return {k: _DESERIALIZER.deserialize(v) for k, v in item.items()}


def _is_condition_failure(err: ClientError) -> bool:
    return err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class Table:
    """One DynamoDB table.

    Parameters
    ----------
    name : table name.
    client : boto3 DynamoDB client; default the shared client.
    """

    def __init__(self, name: str, client: Any | None = None) -> None:
        self.name = name
        self.client = client or clients.client("dynamodb")

    def _expression_args(
        self, condition: str | None, names: Mapping[str, str] | None, values: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if condition:
            args["ConditionExpression"] = condition
        if names:
            args["ExpressionAttributeNames"] = dict(names)
        if values:
            args["ExpressionAttributeValues"] = serialize(values)
        return args

    def put(
        self,
        item: Mapping[str, Any],
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """PutItem; raise :class:`ConditionFailed` when ``condition`` does not hold."""
        try:
            self.client.put_item(
                TableName=self.name, Item=serialize(item), **self._expression_args(condition, names, values)
            )
        except ClientError as err:
            if _is_condition_failure(err):
                raise ConditionFailed(str(err)) from err
            raise

    def get(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """GetItem with a strongly consistent read (records are read right after being written)."""
        response = self.client.get_item(TableName=self.name, Key=serialize(key), ConsistentRead=True)
        return deserialize(response["Item"]) if "Item" in response else None

    def update(
        self,
        key: Mapping[str, str],
        expression: str,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        return_values: str = "NONE",
    ) -> dict[str, Any]:
        """UpdateItem; returns the attributes ``return_values`` asks for (``{}`` for ``NONE``)."""
        try:
            response = self.client.update_item(
                TableName=self.name,
                Key=serialize(key),
                UpdateExpression=expression,
                ReturnValues=return_values,
                **self._expression_args(condition, names, values),
            )
        except ClientError as err:
            if _is_condition_failure(err):
                raise ConditionFailed(str(err)) from err
            raise
        return deserialize(response.get("Attributes", {}))

    def transact_update(
        self,
        updates: list[tuple[Mapping[str, str], str, str | None, Mapping[str, Any]]],
        *,
        names: Mapping[str, str] | None = None,
    ) -> None:
        """TransactWriteItems of ``(key, update expression, condition, values)`` updates: all or none.

        Raises
        ------
        TransactionConflict
            When DynamoDB cancels the transaction (a condition failed, or a concurrent write conflicted).
        """
        items = []
        for key, expression, condition, values in updates:
            used = {k: v for k, v in (names or {}).items() if k in expression or k in (condition or "")}
            update: dict[str, Any] = {
                "TableName": self.name,
                "Key": serialize(key),
                "UpdateExpression": expression,
                **self._expression_args(condition, used, values),
            }
            items.append({"Update": update})
        try:
            self.client.transact_write_items(TransactItems=items)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code in ("TransactionCanceledException", "TransactionConflictException"):
                raise TransactionConflict(str(err)) from err
            raise

    def query(
        self,
        key_condition: str,
        *,
        values: Mapping[str, Any],
        names: Mapping[str, str] | None = None,
        index: str | None = None,
        forward: bool = True,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Query (all pages, or the first ``limit`` items), yielding items in key order."""
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": key_condition,
            "ScanIndexForward": forward,
            **self._expression_args(None, names, values),
        }
        if index:
            args["IndexName"] = index
        if limit:
            args["Limit"] = limit
        returned = 0
        while True:
            response = self.client.query(**args)
            for raw in response.get("Items", []):
                yield deserialize(raw)
                returned += 1
                if limit and returned >= limit:
                    return
            if "LastEvaluatedKey" not in response:
                return
            args["ExclusiveStartKey"] = response["LastEvaluatedKey"]
