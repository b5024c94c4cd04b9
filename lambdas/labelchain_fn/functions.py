"""One declaration per pipeline Lambda: what it is, what it reads and what it may do.

Everything else follows from this table, so adding a variable or a grant to a function is one edit here:

* the handler's required settings (``REQUIRED`` in each handler module);
* the function's environment and sizing (``stacks/job_functions.py``);
* its IAM statements and the cdk-nag acknowledgements of their wildcards (``stacks/function_policies.py``,
  ``stacks/nag_acknowledgements.py``);
* the tests' expectations and the environment table of ``docs/design.md`` (checked by a test).

Data only (no AWS calls, no CDK): the handlers import it at cold start, the stack at synth; the variable
names come from :mod:`labelchain_fn.adapters.settings`, where they are defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from labelchain_fn.adapters.settings import (
    ALLOWED_SOURCE_BUCKETS,
    ARTIFACTS_BUCKET,
    CHAINS_DIGEST,
    CHAINS_PARAMETER_NAME,
    GROUND_TRUTH_ROLE_ARN,
    INPUT_BUCKET,
    JOB_NAME_PREFIX,
    KMS_KEY_ARN,
    OUTPUT_BUCKET,
    RECORD_TTL_DAYS,
    STALLED_AFTER_MINUTES,
    TABLE_NAME,
    TOPIC_ARN,
)
from labelchain_fn.core.manifest import MAX_MANIFEST_BYTES

#: Lambda's default (and smallest) ``/tmp``, in MiB.
DEFAULT_EPHEMERAL_STORAGE_MB = 512


class Grant(StrEnum):
    """What a function may do besides its table actions and labeling-job actions (one IAM statement each)."""

    #: ``ssm:GetParameter`` on the chains parameter (implied by ``CHAINS_PARAMETER_NAME``).
    READ_CHAINS = "read-chains"
    #: ``sns:Publish`` on the topic, with its key (implied by ``TOPIC_ARN``).
    PUBLISH = "publish"
    #: ``s3:GetObject(Version)``/``ListBucket`` on manifests: the input bucket and the allowed source buckets.
    READ_MANIFESTS = "read-manifests"
    #: ``s3:PutObject``/``AbortMultipartUpload`` under the artifact prefixes.
    WRITE_ARTIFACTS = "write-artifacts"
    #: ``sagemaker:DescribeModel`` (a warm-start model is checked before a request names it).
    DESCRIBE_MODELS = "describe-models"
    #: ``iam:PassRole`` of the Ground Truth role, to SageMaker only.
    PASS_GROUND_TRUTH_ROLE = "pass-ground-truth-role"
    #: ``s3:GetObject``/``ListBucket`` on the jobs' output (a settled job's output manifest is counted).
    READ_JOB_OUTPUT = "read-job-output"
    #: ``states:SendTaskSuccess``/``SendTaskFailure`` (task tokens: ``*`` only).
    SEND_CALLBACKS = "send-callbacks"
    #: ``states:DescribeExecution`` on this state machine's executions.
    DESCRIBE_EXECUTIONS = "describe-executions"


def ephemeral_storage_mb_for(largest_spool_bytes: int) -> int:
    """``/tmp`` size (MiB) for a function that spools up to ``largest_spool_bytes``: twice that, rounded up
    to whole MiB (headroom for what else lands in ``/tmp``), within Lambda's 512-10,240 MiB."""
    return min(10_240, max(DEFAULT_EPHEMERAL_STORAGE_MB, -(-2 * largest_spool_bytes // 2**20)))


@dataclass(frozen=True)
class FunctionDeclaration:
    """One pipeline function.

    Attributes
    ----------
    description : the function's description (after ``labelchain: ``).
    required : environment variables the handler cannot run without (``Settings.require``).
    optional : environment variables it reads with a default (numbers, optional keys, the chains digest);
        the stack sets those that have a value. Default: none.
    table_actions : DynamoDB actions on the jobs table (``Query`` adds the table's indexes).
    labeling_job_actions : SageMaker actions on ``labeling-job/<prefix>-*``. Default: none.
    grants : further permissions (:class:`Grant`). Default: none (``READ_CHAINS`` and ``PUBLISH`` follow
        from ``CHAINS_PARAMETER_NAME`` and ``TOPIC_ARN``).
    invoked_by_workflow : the state machine invokes it (a ``LambdaInvoke`` state). Default: false.
    timeout_seconds : default 60.
    memory_mb : default 256.
    ephemeral_storage_mb : size of ``/tmp`` in MiB; default 512 (Lambda's default).
    """

    description: str
    required: tuple[str, ...]
    table_actions: tuple[str, ...]
    optional: tuple[str, ...] = ()
    labeling_job_actions: tuple[str, ...] = ()
    grants: frozenset[Grant] = field(default_factory=frozenset)
    invoked_by_workflow: bool = False
    timeout_seconds: int = 60
    memory_mb: int = 256
    ephemeral_storage_mb: int = DEFAULT_EPHEMERAL_STORAGE_MB

    @property
    def environment(self) -> tuple[str, ...]:
        """Every variable the function reads: required, then optional."""
        return self.required + self.optional

    @property
    def all_grants(self) -> frozenset[Grant]:
        """``grants`` plus those its environment implies."""
        implied = {Grant.READ_CHAINS} if CHAINS_PARAMETER_NAME in self.environment else set()
        implied |= {Grant.PUBLISH} if TOPIC_ARN in self.environment else set()
        return self.grants | implied


#: The chains parameter and the digest that makes a chains-only deploy replace warm containers.
_CHAINS = (CHAINS_PARAMETER_NAME,)
_SETTLES = frozenset({Grant.READ_JOB_OUTPUT})  # settle.py reads the output manifest to cross-check counters


def _settler(description: str, timeout_seconds: int, memory_mb: int) -> FunctionDeclaration:
    """RecordJob and RecordFailure: both settle the job of their execution (``handlers/settle.py``)."""
    return FunctionDeclaration(
        description,
        required=(TABLE_NAME, *_CHAINS, TOPIC_ARN),
        optional=(CHAINS_DIGEST,),
        table_actions=("GetItem", "PutItem", "UpdateItem"),
        labeling_job_actions=("DescribeLabelingJob", "StopLabelingJob"),
        grants=_SETTLES,
        invoked_by_workflow=True,
        timeout_seconds=timeout_seconds,
        memory_mb=memory_mb,
    )


FUNCTIONS: dict[str, FunctionDeclaration] = {
    # Streams and normalizes whole manifests (up to 100,000 lines) and writes the artifacts; the normalized
    # manifest is spooled to /tmp, at most MAX_MANIFEST_BYTES (core/manifest.py says why that number).
    "prepare": FunctionDeclaration(
        "Validate an upload and prepare the labeling job request",
        required=(
            TABLE_NAME,
            *_CHAINS,
            INPUT_BUCKET,
            ARTIFACTS_BUCKET,
            OUTPUT_BUCKET,
            GROUND_TRUTH_ROLE_ARN,
            JOB_NAME_PREFIX,
        ),
        optional=(CHAINS_DIGEST, ALLOWED_SOURCE_BUCKETS, KMS_KEY_ARN, RECORD_TTL_DAYS),
        table_actions=("GetItem", "PutItem", "UpdateItem"),
        labeling_job_actions=("DescribeLabelingJob",),
        # Prepare takes over an upload whose execution ended before creating a labeling job.
        grants=frozenset(
            {Grant.READ_MANIFESTS, Grant.WRITE_ARTIFACTS, Grant.DESCRIBE_MODELS, Grant.DESCRIBE_EXECUTIONS}
        ),
        invoked_by_workflow=True,
        timeout_seconds=300,
        memory_mb=1024,
        ephemeral_storage_mb=ephemeral_storage_mb_for(MAX_MANIFEST_BYTES),
    ),
    "start": FunctionDeclaration(
        "Create the labeling job and store the task token",
        required=(TABLE_NAME,),
        table_actions=("GetItem", "UpdateItem"),
        # CreateLabelingJob with Tags also needs AddTags; Describe resolves a ResourceInUse retry.
        # Stop: a job created while its execution closed the record (a cancelled branch) is stopped.
        labeling_job_actions=("CreateLabelingJob", "DescribeLabelingJob", "AddTags", "StopLabelingJob"),
        grants=frozenset({Grant.PASS_GROUND_TRUTH_ROLE}),
        invoked_by_workflow=True,
    ),
    "job_state_changed": FunctionDeclaration(
        "Answer the workflow when a labeling job ends",
        # JOB_NAME_PREFIX: events of jobs that do not carry our prefix are ignored.
        required=(TABLE_NAME,),
        optional=(JOB_NAME_PREFIX,),
        table_actions=("GetItem", "UpdateItem"),
        labeling_job_actions=("DescribeLabelingJob",),
        grants=frozenset({Grant.SEND_CALLBACKS}),
    ),
    "monitor": FunctionDeclaration(
        "Reconcile running labeling jobs and alert on stalls",
        required=(TABLE_NAME, TOPIC_ARN, *_CHAINS),
        optional=(CHAINS_DIGEST, STALLED_AFTER_MINUTES, RECORD_TTL_DAYS),
        table_actions=("GetItem", "PutItem", "UpdateItem", "Query"),
        labeling_job_actions=("DescribeLabelingJob", "StopLabelingJob"),
        # The monitor reconciles jobs whose execution ended, and stops those nobody waits for.
        grants=_SETTLES | {Grant.SEND_CALLBACKS, Grant.DESCRIBE_EXECUTIONS},
        timeout_seconds=300,
        memory_mb=512,
    ),
    # Stop: record stops a control job whose branch failed while it still runs; record_failure the job
    # its failed execution had created. Describe tells a job whose ARN a crashed StartJob never recorded
    # from a foreign job of the same name.
    "record": _settler("Record a finished job's metrics and move the chain head", 120, 512),
    "record_failure": _settler("Record a failed execution and notify", 60, 256),
    "compare": FunctionDeclaration(
        "Compare the warm-started job with its control job",
        required=(TABLE_NAME, TOPIC_ARN),
        table_actions=("GetItem", "PutItem"),
        invoked_by_workflow=True,
    ),
}


def declaration(name: str) -> FunctionDeclaration:
    """The declaration of handler module ``name`` (``KeyError`` names an unknown one)."""
    return FUNCTIONS[name]
