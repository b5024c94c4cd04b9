"""Turn Step Functions execution on for the whole process.

moto 5.2.5 defaults ``default_user_config["stepfunctions"]["execute_state_machine"]`` to ``False``: the
definition is ignored and executions stay ``RUNNING``. Setting it at start-up (instead of POSTing
``/moto-api/config`` after every reset) makes ``moto.stepfunctions.responses.get_backend`` pick the
executing parser backend in server mode and survives ``/moto-api/reset``.
"""

from __future__ import annotations

from typing import Any, cast

from moto.core.config import default_user_config as _default_user_config

# moto types the config as a TypedDict; the patch only reads and replaces one entry.
default_user_config = cast(dict[str, Any], _default_user_config)

_previous: dict[str, Any] | None = None
_KEY = "stepfunctions"


def install() -> None:
    """Enable execution; idempotent. Remembers the previous setting for :func:`uninstall`."""
    global _previous
    if _previous is None:
        _previous = dict(default_user_config.get(_KEY, {}))
    default_user_config[_KEY] = {**_previous, "execute_state_machine": True}


def uninstall() -> None:
    """Restore the setting found by the first :func:`install`."""
    global _previous
    if _previous is not None:
        default_user_config[_KEY] = _previous
        _previous = None


def is_installed() -> bool:
    """Whether executions currently run."""
    return bool(default_user_config.get(_KEY, {}).get("execute_state_machine"))
