"""Step Functions callbacks (``SendTaskSuccess`` / ``SendTaskFailure``) and execution status.

A token that expired, is unknown, or whose task already ended means the execution no longer waits for this
callback: that is "already done", not an error, so a late event or the monitor never fails because the
execution moved on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from labelchain_fn.adapters import clients

_ALREADY_DONE = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")
#: SendTaskFailure limits: error 256 characters, cause 32,768.
MAX_ERROR = 256
MAX_CAUSE = 32_768


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


class Callbacks:
    """Callbacks to waiting ``.waitForTaskToken`` tasks.

    Parameters
    ----------
    client : boto3 Step Functions client; default the shared client.
    """

    def __init__(self, client: Any | None = None) -> None:
        self.client = client or clients.client("stepfunctions")

    def send_success(self, task_token: str, output: Mapping[str, Any]) -> bool:
        """Resume the task with ``output``; False when the task no longer waits (already done)."""
        return self._send(self.client.send_task_success, taskToken=task_token, output=json.dumps(output))

    def send_failure(self, task_token: str, error: str, cause: str) -> bool:
        """Fail the task with ``error``/``cause`` (truncated to the API limits); False when already done."""
        return self._send(
            self.client.send_task_failure,
            taskToken=task_token,
            error=error[:MAX_ERROR],
            cause=cause[:MAX_CAUSE],
        )

    @staticmethod
    def _send(call: Any, **kwargs: Any) -> bool:
        try:
            call(**kwargs)
        except ClientError as err:
            if _code(err) in _ALREADY_DONE:
                return False
            raise
        return True

    def execution_status(self, execution_arn: str) -> str | None:
        """``DescribeExecution`` status (``RUNNING``, ``SUCCEEDED``, ``ABORTED``...), ``None`` if unknown."""
        try:
            return str(self.client.describe_execution(executionArn=execution_arn)["status"])
        except ClientError as err:
            if _code(err) == "ExecutionDoesNotExist":
                return None
            raise
