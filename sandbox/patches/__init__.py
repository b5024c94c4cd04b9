"""Patches that close moto 5.2.5's gaps for this project (see each module's docstring).

Each module has an idempotent ``install()``, an ``uninstall()`` and ``is_installed()``, and a smoke test
in ``tests/sandbox`` that fails loudly when a moto upgrade breaks it. :func:`install_all` applies the set
the server sandbox needs.
"""

from __future__ import annotations

from types import ModuleType

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

#: Every patch module, in installation order.
ALL: tuple[ModuleType, ...] = (
    dynamodb_atomic,
    sfn_execution,
    sfn_cfn_backend,
    sfn_execution_name,
    sfn_task_failure,
    sfn_task_token_once,
    sfn_stop_execution,
    sfn_time,
    sfn_jsonata,
    events_targets,
    s3_events,
    lambda_invoke,
    cfn_bucket,
    cfn_custom_resource,
    cfn_outputs,
    cfn_change_sets,
    server_host,
)


def install_all(*, time_scale: float | None = None, lambda_mode: lambda_invoke.Mode = "subprocess") -> None:
    """Install every patch; ``time_scale`` scales Wait/Retry sleeps, ``lambda_mode`` picks the runner."""
    for module in ALL:
        if module is sfn_time:
            sfn_time.install(time_scale)
        elif module is lambda_invoke:
            lambda_invoke.install(lambda_mode)
        else:
            module.install()


def uninstall_all() -> None:
    """Remove every patch (restores moto's behaviour)."""
    for module in reversed(ALL):
        module.uninstall()


def installed() -> dict[str, bool]:
    """``{module name: installed}`` for diagnostics."""
    return {module.__name__.rsplit(".", 1)[-1]: bool(module.is_installed()) for module in ALL}
