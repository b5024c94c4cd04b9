"""Reads of the jobs table the CLI needs beyond the Lambdas' :class:`JobStore`: chains, comparisons,
snapshots and the jobs of one execution (docs/design.md, "DynamoDB")."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from labelchain_fn.adapters.dynamo import deserialize, serialize
from labelchain_fn.adapters.job_progress import CHAIN_INDEX
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core import records


class ChainRecords:
    """Chain-level reads on one jobs table.

    Parameters
    ----------
    store : the Lambdas' adapter (its ``table`` and client are reused).
    """

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self.table = store.table

    def _scan(self, expression: str, values: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        # Scans are rare operator reads (listing chains, finding an execution's jobs), not hot paths.
        paginator = self.table.client.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self.table.name,
            FilterExpression=expression,
            ExpressionAttributeValues=serialize(values),
        )
        for page in pages:
            for raw in page.get("Items", []):
                yield deserialize(raw)

    def chains(self) -> list[dict[str, Any]]:
        """Chain head items (one per chain that ever prepared a job), sorted by chain name; each gets a
        ``chain`` key with the name."""
        heads = [
            {**item, "chain": str(item["pk"]).removeprefix("CHAIN#")}
            for item in self._scan(
                "sk = :head AND begins_with(pk, :chain)", {":head": "HEAD", ":chain": "CHAIN#"}
            )
        ]
        return sorted(heads, key=lambda head: head["chain"])

    def jobs(self, chain: str) -> list[dict[str, Any]]:
        """Job items of ``chain`` in sequence order."""
        return self.store.list_chain_jobs(chain)

    def _by_chain(self, chain: str, prefix: str) -> list[dict[str, Any]]:
        return list(
            self.table.query(
                "gsi1pk = :pk AND begins_with(gsi1sk, :prefix)",
                index=CHAIN_INDEX,
                values={":pk": records.chain_head_key(chain)["pk"], ":prefix": prefix},
            )
        )

    def comparisons(self, chain: str) -> list[dict[str, Any]]:
        """COMPARISON items of ``chain`` in sequence order."""
        return self._by_chain(chain, "COMPARISON#")

    def failures(self, chain: str) -> list[dict[str, Any]]:
        """FAILURE items of ``chain``, oldest first."""
        return self._by_chain(chain, "FAILURE#")

    def snapshots(self, labeling_job_name: str) -> list[dict[str, Any]]:
        """The monitor's progress snapshots of a job, oldest first."""
        return list(
            self.table.query(
                "pk = :pk AND begins_with(sk, :snap)",
                values={
                    ":pk": records.job_key(labeling_job_name)["pk"],
                    ":snap": records.snapshot_key(labeling_job_name, "")["sk"],
                },
            )
        )

    def jobs_of_execution(self, execution_arn: str) -> list[dict[str, Any]]:
        """Job items an execution prepared (main, and control if any), main first."""
        found = self._scan("sk = :job AND executionArn = :arn", {":job": "JOB", ":arn": execution_arn})
        return sorted(found, key=lambda item: item.get("role") != "main")
