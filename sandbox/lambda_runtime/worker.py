"""One warm execution environment: a long-lived ``bootstrap.py --serve`` process and how to talk to it.

The protocol (the other side is ``bootstrap.serve``): the process reads one JSON request per line on its
stdin and answers each with one JSON line on a pipe it inherits (``--serve <fd>``); the handler's output
goes to a file of the environment's own, and each invocation gets the part written since it started. An
answer with ``"exit": true`` means the process ends after it (a timeout or an init failure); no answer
within the wait means a timeout and the process is killed; an incomplete answer means it died
(``exit_status``). Which environment serves which invocation is the pool's business
(:mod:`~sandbox.lambda_runtime.warm_pool`).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .invocation import Invocation

#: An environment's output file is emptied before an invocation once it is this large.
MAX_LOG_BYTES = 1 << 20


@dataclass
class Outcome:
    """How one request to a worker ended: its result document (``None`` when the process died or did not
    answer in time), its output, the exit status of a dead process and whether the wait ran out."""

    document: dict[str, Any] | None
    logs: str
    exit_status: int | None = None
    timed_out: bool = False


@dataclass
class Worker:
    """One environment: the ``bootstrap.py --serve`` process, its response pipe and its output file."""

    function_name: str
    function_arn: str
    key: str
    process: subprocess.Popen[bytes]
    responses: Any  # the read end of the response pipe (a text file)
    log_path: Path
    scratch: tempfile.TemporaryDirectory[str]
    started_at: float = field(default_factory=time.time)
    invocations: int = 0
    busy: bool = False
    retired: bool = False

    @classmethod
    def start(
        cls, command: list[str], env: dict[str, str], cwd: Path, invocation: Invocation, key: str
    ) -> Worker:
        """Start the process (in its own session: a Ctrl-C in the sandbox's terminal is not its business)."""
        scratch = tempfile.TemporaryDirectory(prefix="sandbox-env-")
        log_path = Path(scratch.name) / "output.log"
        read_fd, write_fd = os.pipe()
        try:
            with log_path.open("ab") as log:  # O_APPEND: the file can be emptied between invocations
                process = subprocess.Popen(
                    [*command, "--serve", str(write_fd)],
                    stdin=subprocess.PIPE,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=cwd,
                    env=env,
                    pass_fds=(write_fd,),
                    start_new_session=True,
                )
        except BaseException:
            os.close(read_fd)
            scratch.cleanup()
            raise
        finally:
            os.close(write_fd)
        responses = os.fdopen(read_fd, "r", encoding="utf-8")
        return cls(
            invocation.function_name, invocation.function_arn, key, process, responses, log_path, scratch
        )

    @property
    def alive(self) -> bool:
        return not self.retired and self.process.poll() is None

    def _output_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def invoke(self, request: dict[str, Any], wait_seconds: float) -> Outcome:
        """Send one request and wait up to ``wait_seconds`` for its answer."""
        offset = self.log_path.stat().st_size
        if offset > MAX_LOG_BYTES:  # what earlier invocations printed was handed out already
            os.truncate(self.log_path, 0)
            offset = 0
        self.invocations += 1
        try:
            assert self.process.stdin is not None
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._died(offset)
        ready, _, _ = select.select([self.responses], [], [], wait_seconds)
        if not ready:
            output = self._output_since(offset)
            self.stop(kill=True)
            return Outcome(None, output, timed_out=True)
        line = self.responses.readline()
        if not line.endswith("\n"):  # the process ended without (completely) answering
            return self._died(offset)
        document: dict[str, Any] = json.loads(line)
        if document.get("exit"):  # it ends after a timeout or an init failure
            self.retired = True
            self.process.wait(timeout=10)
        return Outcome(document, self._output_since(offset))

    def _died(self, offset: int) -> Outcome:
        self.retired = True
        try:
            status = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        return Outcome(None, self._output_since(offset), exit_status=status)

    def stop(self, *, kill: bool = False) -> None:
        """End the process (``kill``: at once, else it finishes its loop) and remove its files; idempotent."""
        self.retired = True
        if kill and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()  # the loop ends on EOF
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.responses):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.scratch.cleanup()

    def view(self) -> dict[str, Any]:
        """What :meth:`WarmPool.stats` shows of this environment."""
        return {
            "pid": self.process.pid,
            "configKey": self.key[:16],
            "startedAt": datetime.fromtimestamp(self.started_at, UTC).isoformat(),
            "invocations": self.invocations,
            "busy": self.busy,
        }
