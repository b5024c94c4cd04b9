"""Patches that close moto 5.2.5's gaps for this project (see each module's docstring).

Each module exposes one :class:`~sandbox.patches._base.PatchSet` as ``PATCH`` (idempotent ``install()``,
``uninstall()``, ``installed``) and has a smoke test in ``tests/sandbox`` that fails loudly when a moto
upgrade breaks it. :data:`REGISTRY` is the one list of them, in installation order, with where each
applies: the server sandbox (:func:`install_all`) and the in-process ``mock_aws`` sandbox
(:func:`sandbox.mock.mock_sandbox`, ``scope="in_process"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import (
    cfn_bucket,
    cfn_change_sets,
    cfn_custom_resource,
    cfn_outputs,
    dynamodb_atomic,
    events_targets,
    lambda_invoke,
    s3_events,
    server_host,
    sfn_cfn_backend,
    sfn_execution,
    sfn_execution_name,
    sfn_jsonata,
    sfn_stop_execution,
    sfn_task_failure,
    sfn_task_token_once,
    sfn_time,
)
from ._base import PatchSet

Scope = Literal["server", "in_process"]


@dataclass(frozen=True)
class Entry:
    """One registered patch and the sandboxes it applies to."""

    patch: PatchSet
    server: bool = True
    in_process: bool = True

    def applies_to(self, scope: Scope) -> bool:
        """Whether the sandbox of ``scope`` installs this patch."""
        return self.server if scope == "server" else self.in_process


#: Every patch, in installation order (removed in reverse). No two patches replace the same target.
REGISTRY: tuple[Entry, ...] = (
    Entry(dynamodb_atomic.PATCH),
    # In-process, mock_aws(config=...) turns execution on per mock; the server needs the process default.
    Entry(sfn_execution.PATCH, in_process=False),
    Entry(sfn_cfn_backend.PATCH),
    Entry(sfn_execution_name.PATCH),
    Entry(sfn_task_failure.PATCH),
    Entry(sfn_task_token_once.PATCH),
    Entry(sfn_stop_execution.PATCH),
    Entry(sfn_time.PATCH),
    Entry(sfn_jsonata.PATCH),
    Entry(events_targets.PATCH),
    Entry(s3_events.PATCH),
    Entry(lambda_invoke.PATCH),
    Entry(cfn_bucket.PATCH),
    Entry(cfn_custom_resource.PATCH),
    Entry(cfn_outputs.PATCH),
    Entry(cfn_change_sets.PATCH),
    # Custom-resource providers call back to the server's port; in-process there is no server.
    Entry(server_host.PATCH, in_process=False),
)


def patches(scope: Scope = "server") -> tuple[PatchSet, ...]:
    """The patches the sandbox of ``scope`` installs, in installation order."""
    return tuple(entry.patch for entry in REGISTRY if entry.applies_to(scope))


def install_all(
    *,
    time_scale: float | None = None,
    lambda_mode: lambda_invoke.Mode = "subprocess",
    scope: Scope = "server",
) -> None:
    """Install the patches of ``scope``; ``time_scale`` scales Wait/Retry sleeps, ``lambda_mode`` picks the
    runner."""
    if time_scale is not None:
        sfn_time.set_time_scale(time_scale)
    lambda_invoke.configure(mode=lambda_mode)
    for patch in patches(scope):
        patch.install()


def uninstall_all(scope: Scope = "server") -> None:
    """Remove the patches of ``scope`` (restores moto's behaviour)."""
    for patch in reversed(patches(scope)):
        patch.uninstall()


def installed(scope: Scope = "server") -> dict[str, bool]:
    """``{patch name: installed}`` for diagnostics."""
    return {patch.name: patch.installed for patch in patches(scope)}
