"""Named errors. Each class name is the error name Step Functions sees (Lambda's ``errorType``), so the
state machine's Retry/Catch and the failure records speak the same vocabulary."""

from __future__ import annotations


class LabelChainError(Exception):
    """Base class: a failure the pipeline understands and records by name."""

    retryable = False

    @property
    def name(self) -> str:
        return type(self).__name__


class InputInvalid(LabelChainError):
    """The execution input is neither an S3 "Object Created" event nor a valid console input."""


class UnknownChain(LabelChainError):
    """The chain named by the upload key or the console input is not configured."""


class ManifestNotFound(LabelChainError):
    """The manifest object (or the version the event names) does not exist any more."""


class ManifestInvalid(LabelChainError):
    """A manifest line is not acceptable; the message names the line number and the reason."""


class ManifestTooSmall(LabelChainError):
    """Fewer objects than automated data labeling needs (1,250), or an empty manifest."""


class SourceBucketNotAllowed(LabelChainError):
    """A manifest line points at a bucket the pipeline may not read."""


class WarmStartJobNotFound(LabelChainError):
    """The warm-start policy names a job that is not a completed job of this chain."""


class WarmStartModelInvalid(LabelChainError):
    """The warm-start model ARN is malformed, from another region/account, or does not exist."""


class WarmStartModelIncompatible(LabelChainError):
    """The warm-start model was trained for another task type (or chain label set)."""


class LabelingJobRequestInvalid(LabelChainError):
    """The CreateLabelingJob request breaks a rule botocore does not check (max, pattern, cross-field)."""


class LabelingJobNameConflict(LabelChainError):
    """A labeling job with the deterministic name exists but was not created for this record."""


class LabelingJobThrottled(LabelChainError):
    """SageMaker throttled the call or a quota was hit; Step Functions retries with backoff."""

    retryable = True


class LabelingJobFailed(LabelChainError):
    """Ground Truth reported the job ``Failed``; the cause is its ``FailureReason``."""


class LabelingJobStopped(LabelChainError):
    """The labeling job was stopped before it completed."""


class JobRecordNotFound(LabelChainError):
    """No job record exists for the labeling job name."""


class ManifestTooLarge(LabelChainError):
    """The manifest object is larger than Prepare reads (checked from its size before it is read)."""


class BatchAlreadyProcessed(LabelChainError):
    """The upload (this S3 object version) already became a labeling job that failed or was stopped; the
    message names the earlier execution, job and status. Upload the manifest again to label it anew."""


class LabelingJobNotEnded(LabelChainError):
    """RecordJob was asked to record a job that DescribeLabelingJob still reports running (a stale or
    misordered event); the workflow waits for the job again."""

    retryable = True


class TransientAwsError(LabelChainError):
    """An AWS call failed with throttling, a 5xx answer or a connection error after the SDK's own retries.
    Every workflow state retries it with backoff; scheduled and event-driven handlers are re-run."""

    retryable = True
