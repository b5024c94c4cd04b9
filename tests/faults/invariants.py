"""The invariants every run must keep, whatever single (or double) fault it met.

Checked on a :class:`Snapshot` taken after the run settled (records from DynamoDB, labeling jobs from
Ground Truth, executions from Step Functions, what the handlers printed); I4 is also sampled by the driver
before each time it advances simulated time (:func:`unguarded_jobs`). Each violation is a short string that
starts with the invariant's name and names the object (docs/design.md "DynamoDB" for the data layout):

* I1 one claim per uploaded object version, and either one main job record whose labeling job exists, or
  no labeling job at all, the claim ``RELEASED`` with the error, and the execution FAILED by name with a
  ``FAILURE#`` item;
* I2 a labeling job Ground Truth reports ended has a record in the same terminal status; a Completed one
  has its counters, cost, machine share and final model, and is no longer in the ``active`` index;
* I3 the chain head is the final model of the highest-sequence completed main job that has one;
* I4 no labeling job runs without a record in the ``active`` index; after settling nothing runs (no RUNNING
  execution, no labeling job still going, no record left active or unfinished);
* I5 no labeling job created twice (per name, per upload and role); no job counted twice in the metrics
  (``JobsCompleted`` once per COMPLETED job, its ``EstimatedCostUsd`` once);
* I6 the sequence numbers 1..lastSequence of a chain are carried by one claim each; a claim without a
  labeling job says why (``error``/``cause``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from labelchain_fn.core.naming import batch_hash

TERMINAL = {"Completed": "COMPLETED", "Failed": "FAILED", "Stopped": "STOPPED"}
RUNNING_JOB_STATUSES = ("Initializing", "InProgress", "Stopping")
TERMINAL_RECORD_STATUSES = ("COMPLETED", "FAILED", "STOPPED")
#: ``<prefix>-<chain>-<sequence:04d>[c]-<batch hash>`` (labelchain_fn.core.naming.labeling_job_name)
_NAME = re.compile(
    r"^(?P<prefix>[^-]+)-(?P<chain>.+)-(?P<sequence>\d{4,})(?P<control>c?)-(?P<hash>[0-9a-f]{8})$"
)


@dataclass(frozen=True)
class Upload:
    """One uploaded manifest version the scenario created (``console``: started by a console execution)."""

    bucket: str
    key: str
    version_id: str
    etag: str
    console: bool = False

    @property
    def label(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def digest(self) -> str:
        return batch_hash(self.bucket, self.key, self.version_id or self.etag)

    def is_source_of(self, source: Mapping[str, Any] | None) -> bool:
        """Whether ``source`` (``{bucket, key, versionId, etag}`` of a record) names this version."""
        if not source or source.get("bucket") != self.bucket or source.get("key") != self.key:
            return False
        if source.get("versionId"):
            return bool(source["versionId"] == self.version_id)
        return _etag(source.get("etag")) == _etag(self.etag)

    def started(self, execution: Mapping[str, Any]) -> bool:
        """Whether ``execution`` (a DescribeExecution answer) was started for this upload."""
        try:
            data = json.loads(execution.get("input") or "{}")
        except ValueError:
            return False
        if self.console:
            return bool(data.get("manifest") == f"s3://{self.bucket}/{self.key}")
        detail = data.get("detail") or {}
        version = (detail.get("object") or {}).get("version-id")
        return (
            (detail.get("bucket") or {}).get("name") == self.bucket
            and (detail.get("object") or {}).get("key") == self.key
            and (not version or version == self.version_id)
        )


@dataclass
class Snapshot:
    """Everything the checks read, taken once the run settled."""

    uploads: list[Upload]
    items: list[dict[str, Any]]
    labeling_jobs: dict[str, dict[str, Any]]  # name -> DescribeLabelingJob
    executions: list[dict[str, Any]]  # DescribeExecution answers
    created: Counter[str] = field(default_factory=Counter)  # successful CreateLabelingJob per name
    metrics: list[dict[str, Any]] = field(default_factory=list)  # EMF documents the handlers printed

    def records(self) -> dict[str, dict[str, Any]]:
        return {str(i["labelingJobName"]): i for i in self.items if i.get("sk") == "JOB"}

    def of_kind(self, sk: str) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("sk") == sk]

    def job_upload(self, name: str) -> Upload | None:
        """The upload a labeling job belongs to: by its record's source, else by the hash in its name."""
        record = self.records().get(name)
        for upload in self.uploads:
            if record is not None and upload.is_source_of(record.get("sourceManifest")):
                return upload
        parsed = _NAME.match(name)
        return next((u for u in self.uploads if parsed and parsed["hash"] == u.digest), None)


def _etag(value: Any) -> str:
    return str(value or "").strip('"')


def _role(name: str, record: Mapping[str, Any] | None) -> str:
    if record is not None and record.get("role"):
        return str(record["role"])
    parsed = _NAME.match(name)
    return "control" if parsed and parsed["control"] else "main"


def _sequence(name: str, record: Mapping[str, Any] | None) -> int:
    if record is not None and record.get("sequence") is not None:
        return int(record["sequence"])
    parsed = _NAME.match(name)
    return int(parsed["sequence"]) if parsed else -1


def _money(value: Any) -> str:
    return f"{float(value or 0):.6f}"


def check(snapshot: Snapshot) -> list[str]:
    """Every violation of I1-I6 in ``snapshot`` (the I4 samples are the driver's)."""
    return [
        *check_uploads(snapshot),
        *check_records(snapshot),
        *check_head(snapshot),
        *check_settled(snapshot),
        *check_duplicates(snapshot),
        *check_sequences(snapshot),
    ]


def check_uploads(snapshot: Snapshot) -> list[str]:
    """I1."""
    out, records = [], snapshot.records()
    for upload in snapshot.uploads:
        claims = [
            c
            for c in snapshot.of_kind("UPLOAD")
            if upload.is_source_of({k: c.get(k) for k in ("bucket", "key", "versionId", "etag")})
        ]
        if len(claims) != 1:
            out.append(f"I1 upload {upload.label}: {len(claims)} claims")
        mains = [
            r
            for r in records.values()
            if r.get("role") == "main" and upload.is_source_of(r.get("sourceManifest"))
        ]
        jobs = [n for n in snapshot.labeling_jobs if snapshot.job_upload(n) == upload]
        created_mains = [r for r in mains if r["labelingJobName"] in snapshot.labeling_jobs]
        if created_mains:
            if len(mains) != 1:
                out.append(f"I1 upload {upload.label}: {len(mains)} main job records")
            continue
        if jobs:
            out.append(
                f"I1 upload {upload.label}: labeling job(s) {', '.join(sorted(jobs))} without a main record"
            )
            continue
        # No labeling job at all: the batch must have been given back, by name, and the execution failed.
        for claim in claims:
            if claim.get("status") != "RELEASED" or not claim.get("error"):
                out.append(
                    f"I1 upload {upload.label}: no labeling job but claim {claim.get('status')}"
                    f"{' (no error)' if not claim.get('error') else ''}"
                )
        runs = [e for e in snapshot.executions if upload.started(e)]
        if not runs:
            out.append(f"I1 upload {upload.label}: no labeling job and no execution")
        for run in runs:
            if run.get("status") != "FAILED" or not run.get("error"):
                out.append(
                    f"I1 upload {upload.label}: no labeling job but execution {run.get('status')}"
                    f" {run.get('error') or ''}".rstrip()
                )
            failure = next(
                (i for i in snapshot.of_kind("FAILURE") if i["pk"] == f"FAILURE#{run['name']}"), None
            )
            if run.get("status") == "FAILED" and failure is None:
                out.append(
                    f"I1 upload {upload.label}: execution failed ({run.get('error')}) without a FAILURE# item"
                )
    return out


def check_records(snapshot: Snapshot) -> list[str]:
    """I2."""
    out, records = [], snapshot.records()
    for name, job in sorted(snapshot.labeling_jobs.items()):
        status = str(job.get("LabelingJobStatus"))
        if status not in TERMINAL:
            continue
        record = records.get(name)
        if record is None:
            out.append(f"I2 job {name} ({status}): no record")
            continue
        if record.get("status") != TERMINAL[status]:
            out.append(f"I2 job {name}: record {record.get('status')}, Ground Truth {status}")
            continue
        if status != "Completed":
            continue
        missing = [k for k in ("counters", "machinePercent") if record.get(k) is None]
        if (record.get("cost") or {}).get("totalUsd") is None:
            missing.append("cost.totalUsd")
        if missing:
            out.append(f"I2 job {name} (COMPLETED): record without {', '.join(missing)}")
        if record.get("activePk"):
            out.append(f"I2 job {name} (COMPLETED): record still in the active index")
        model = (job.get("LabelingJobOutput") or {}).get("FinalActiveLearningModelArn")
        if model and record.get("finalModelArn") != model:
            out.append(f"I2 job {name} (COMPLETED): finalModelArn {record.get('finalModelArn')} != {model}")
    return out


def check_head(snapshot: Snapshot) -> list[str]:
    """I3: the head is computed from Ground Truth's truth (status and final model), roles from the records."""
    out, records = [], snapshot.records()
    best: dict[str, tuple[int, str, str]] = {}
    chains = {str(r.get("chain")) for r in records.values()} | {
        i["pk"].removeprefix("CHAIN#") for i in snapshot.items if i.get("sk") == "HEAD"
    }
    for name, job in snapshot.labeling_jobs.items():
        record = records.get(name)
        model = (job.get("LabelingJobOutput") or {}).get("FinalActiveLearningModelArn")
        if job.get("LabelingJobStatus") != "Completed" or not model or _role(name, record) != "main":
            continue
        chain = str(record.get("chain")) if record else (_NAME.match(name) or {"chain": "?"})["chain"]
        candidate = (_sequence(name, record), name, str(model))
        best[chain] = max(best.get(chain, candidate), candidate)
    for chain in sorted(chains):
        head = next((i for i in snapshot.items if i["pk"] == f"CHAIN#{chain}" and i["sk"] == "HEAD"), {})
        actual = (head.get("headJobName"), head.get("headModelArn"))
        if chain in best:
            sequence, name, model = best[chain]
            if actual != (name, model):
                out.append(f"I3 chain {chain}: head {actual[0]} / {actual[1]}, expected {name} / {model}")
            elif head.get("headSequence") is not None and int(head["headSequence"]) != sequence:
                out.append(f"I3 chain {chain}: headSequence {head['headSequence']}, expected {sequence}")
        elif actual != (None, None):
            out.append(f"I3 chain {chain}: head {actual[0]} without a completed main job with a model")
    return out


def unguarded_jobs(
    labeling_jobs: Iterable[Mapping[str, Any]], items: Iterable[Mapping[str, Any]]
) -> list[str]:
    """I4 (sampled): every running labeling job (a ListLabelingJobs summary) has an active record."""
    active = {str(i.get("labelingJobName")) for i in items if i.get("sk") == "JOB" and i.get("activePk")}
    return [
        f"I4 job {j['LabelingJobName']} {j['LabelingJobStatus']} without an active record"
        for j in labeling_jobs
        if j["LabelingJobStatus"] in RUNNING_JOB_STATUSES and j["LabelingJobName"] not in active
    ]


def check_settled(snapshot: Snapshot) -> list[str]:
    """I4 at the end: nothing runs any more."""
    out = [
        f"I4 execution {e['name'][:8]} still RUNNING" for e in snapshot.executions if e["status"] == "RUNNING"
    ]
    out += [
        f"I4 job {name} still {job['LabelingJobStatus']} after settling"
        for name, job in sorted(snapshot.labeling_jobs.items())
        if job.get("LabelingJobStatus") not in TERMINAL
    ]
    for name, record in sorted(snapshot.records().items()):
        job = snapshot.labeling_jobs.get(name)
        ended = job is None or job.get("LabelingJobStatus") in TERMINAL
        if ended and record.get("activePk"):
            out.append(f"I4 record {name} ({record.get('status')}) still in the active index after settling")
        elif ended and record.get("status") not in TERMINAL_RECORD_STATUSES:
            out.append(f"I4 record {name} still {record.get('status')} after settling")
    return out


def check_duplicates(snapshot: Snapshot) -> list[str]:
    """I5."""
    out = [f"I5 job {n} created {c} times" for n, c in sorted(snapshot.created.items()) if c > 1]
    records = snapshot.records()
    per_batch: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in snapshot.labeling_jobs:
        upload = snapshot.job_upload(name)
        per_batch[(upload.label if upload else "?", _role(name, records.get(name)))].append(name)
    out += [
        f"I5 upload {label} ({role}): {len(names)} labeling jobs {', '.join(sorted(names))}"
        for (label, role), names in sorted(per_batch.items())
        if len(names) > 1
    ]
    completed: dict[str, list[str]] = defaultdict(list)
    settled: Counter[str] = Counter()
    for record in records.values():
        chain = str(record.get("chain"))
        if record.get("status") == "COMPLETED":
            completed[chain].append(_money((record.get("cost") or {}).get("totalUsd")))
        if record.get("status") in TERMINAL_RECORD_STATUSES and record.get("labelingJobArn"):
            settled[chain] += 1
    counted: Counter[str] = Counter()
    costs: dict[str, list[str]] = defaultdict(list)
    for document in snapshot.metrics:
        chain = str(document.get("chain"))
        counted[chain] += int(sum(_values(document, "JobsCompleted")))
        costs[chain] += [_money(v) for v in _values(document, "EstimatedCostUsd")]
    for chain in sorted(set(completed) | set(counted) | set(costs)):
        if counted[chain] != len(completed[chain]):
            out.append(
                f"I5 chain {chain}: JobsCompleted {counted[chain]} for {len(completed[chain])} COMPLETED jobs"
            )
        emitted = Counter(costs[chain])
        for cost, jobs in sorted(Counter(completed[chain]).items()):
            if emitted[cost] != jobs:
                out.append(
                    f"I5 chain {chain}: EstimatedCostUsd {cost} emitted {emitted[cost]} times "
                    f"for {jobs} job(s)"
                )
        if len(costs[chain]) > settled[chain]:
            out.append(
                f"I5 chain {chain}: {len(costs[chain])} EstimatedCostUsd values "
                f"for {settled[chain]} settled jobs"
            )
    return out


def check_sequences(snapshot: Snapshot) -> list[str]:
    """I6."""
    out = []
    claims = snapshot.of_kind("UPLOAD")
    created_sequences = {
        (str(r.get("chain")), int(r["sequence"]))
        for name, r in snapshot.records().items()
        if name in snapshot.labeling_jobs and r.get("sequence") is not None
    }
    for head in snapshot.of_kind("HEAD"):
        chain = head["pk"].removeprefix("CHAIN#")
        last = int(head.get("lastSequence") or 0)
        carried = Counter(
            int(c["sequence"]) for c in claims if c.get("chain") == chain and c.get("sequence") is not None
        )
        for sequence in range(1, last + 1):
            if carried[sequence] != 1:
                out.append(f"I6 chain {chain}: sequence {sequence} carried by {carried[sequence]} claims")
        out += [
            f"I6 chain {chain}: claim with sequence {s} beyond lastSequence {last}"
            for s in sorted(carried)
            if s > last
        ]
    for claim in claims:
        key = (str(claim.get("chain")), int(claim["sequence"])) if claim.get("sequence") is not None else None
        if key not in created_sequences and not (claim.get("error") and claim.get("cause")):
            out.append(
                f"I6 claim of {str(claim.get('key')).rsplit('/', 1)[-1]} (sequence {claim.get('sequence')}, "
                f"{claim.get('status')}): no labeling job and no error/cause"
            )
    return out


def _values(document: Mapping[str, Any], name: str) -> list[float]:
    raw = document.get(name)
    if raw is None:
        return []
    return [float(v) for v in (raw if isinstance(raw, list) else [raw])]


def emf_documents(stdout: str) -> list[dict[str, Any]]:
    """The CloudWatch EMF documents (``_aws`` key) printed to ``stdout``, one per line."""
    documents = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            try:
                document = json.loads(line)
            except ValueError:
                continue
            if isinstance(document, dict) and "_aws" in document:
                documents.append(document)
    return documents
