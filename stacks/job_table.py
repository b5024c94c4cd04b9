"""The single DynamoDB table holding chain heads, jobs, uploads, snapshots, models, comparisons and failures.

Key layout (``docs/design.md``): ``pk`` / ``sk`` strings, TTL attribute ``expiresAt``; GSI ``gsi1``
(``gsi1pk`` / ``gsi1sk``) lists a chain's jobs, comparisons and failures in order; the sparse GSI
``active`` (``activePk`` / ``createdAt``) lists running jobs for the monitor.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

TTL_ATTRIBUTE = "expiresAt"
GSI1_NAME = "gsi1"
ACTIVE_INDEX_NAME = "active"


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class JobTable(Construct):
    """On-demand table with point-in-time recovery, encryption at rest and TTL.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    removal_policy : what happens to the table (and its data) when the stack is deleted.
    encryption_key : customer-managed KMS key. Default: the AWS-managed DynamoDB key (``aws/dynamodb``),
        which still shows as server-side encryption in the template.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        removal_policy: RemovalPolicy,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_string("pk"),
            sort_key=_string("sk"),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=(
                dynamodb.TableEncryption.CUSTOMER_MANAGED
                if encryption_key
                else dynamodb.TableEncryption.AWS_MANAGED
            ),
            encryption_key=encryption_key,
            time_to_live_attribute=TTL_ATTRIBUTE,
            removal_policy=removal_policy,
        )
        self.table.add_global_secondary_index(
            index_name=GSI1_NAME,
            partition_key=_string("gsi1pk"),
            sort_key=_string("gsi1sk"),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        # Sparse: only items carrying activePk (jobs while they run) appear, so the monitor's query stays
        # proportional to the running jobs, not to the table.
        self.table.add_global_secondary_index(
            index_name=ACTIVE_INDEX_NAME,
            partition_key=_string("activePk"),
            sort_key=_string("createdAt"),
            projection_type=dynamodb.ProjectionType.ALL,
        )
