"""Bad inputs, end to end: the deployed state machine, the real handlers, the simulated Ground Truth.

For every case the promise is the same: the execution fails with the error's NAME (and a cause that says
what to fix), a ``FAILURE#`` record carries that name, no labeling job is created (nothing is paid for),
no job item or upload claim is left behind (a corrected re-upload is processed), and the uploaded object is
untouched.
"""

from __future__ import annotations

import json

import pytest
from bad_input_cases import BAD_CONSOLE_INPUTS, BAD_UPLOADS, BadConsoleInput, BadUpload
from reliability_stack import MANUAL_KEY, Deployed, assert_rejected


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=[c.id for c in BAD_UPLOADS])
def test_rejects_a_bad_upload_by_name_and_creates_nothing(deployed: Deployed, case: BadUpload) -> None:
    # GIVEN a bad manifest WHEN it is uploaded (its S3 event starts the workflow)
    uploaded = deployed.put(case.key, case.body(deployed.input_bucket))
    [run] = deployed.wait_for_executions(1)
    # THEN the execution fails by name, is recorded, and no labeling job exists
    assert_rejected(deployed, run, case.error, case.cause)
    # AND the uploaded object is untouched: same version, same ETag, same bytes, no other version
    state = deployed.object_state(case.key)
    assert (state["VersionId"], state["ETag"]) == (uploaded["VersionId"], uploaded["ETag"])
    assert state["Body"] == case.body(deployed.input_bucket) and state["versions"] == 1


@pytest.mark.parametrize("case", BAD_CONSOLE_INPUTS, ids=[c.id for c in BAD_CONSOLE_INPUTS])
def test_rejects_a_bad_console_input_by_name_and_creates_nothing(
    deployed: Deployed, case: BadConsoleInput
) -> None:
    # GIVEN a valid manifest outside incoming/ and a console input with one thing wrong
    body = "\n".join(deployed.lines()).encode()
    uploaded = deployed.put(MANUAL_KEY, body)
    uri = f"s3://{deployed.input_bucket}/{MANUAL_KEY}"
    text = json.dumps(case.payload).replace("{manifest}", uri).replace("{input}", deployed.input_bucket)
    # WHEN an operator starts the workflow with it
    arn = deployed.start_console(json.loads(text))
    run = deployed.wait_for(arn)
    # THEN the execution fails by name, is recorded, nothing is created; the manifest is untouched
    assert_rejected(deployed, run, case.error, case.cause)
    state = deployed.object_state(MANUAL_KEY)
    assert (state["VersionId"], state["ETag"], state["Body"]) == (
        uploaded["VersionId"],
        uploaded["ETag"],
        body,
    )
