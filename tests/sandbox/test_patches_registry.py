"""The one registry of moto patches (``sandbox.patches.REGISTRY``): complete, disjoint, reversible."""

from __future__ import annotations

import pkgutil

import pytest

import sandbox.patches as patches
from sandbox.patches import lambda_invoke, server_host, sfn_execution, sfn_time
from sandbox.patches._base import AttributePatch


def test_every_patch_module_is_registered_once():
    # GIVEN the modules of sandbox/patches WHEN compared with the registry THEN each PATCH is there once
    modules = {info.name for info in pkgutil.iter_modules(patches.__path__) if not info.name.startswith("_")}
    names = [entry.patch.name for entry in patches.REGISTRY]
    assert sorted(names) == sorted(modules) and len(set(names)) == len(names)


def test_no_two_patches_replace_the_same_target():
    # Disjoint targets make the installation order irrelevant to behaviour (both sandboxes use one order).
    targets = [
        (id(part.owner), part.attribute)
        for entry in patches.REGISTRY
        for part in entry.patch.parts
        if isinstance(part, AttributePatch)
    ]
    assert len(set(targets)) == len(targets)


def test_the_in_process_scope_leaves_out_the_server_only_patches():
    server, in_process = patches.patches("server"), patches.patches("in_process")
    assert set(server) - set(in_process) == {sfn_execution.PATCH, server_host.PATCH}
    assert set(in_process) <= set(server)


def test_install_all_and_uninstall_all_are_reversible(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(sfn_time.TIME_SCALE_ENV, raising=False)
    # GIVEN nothing installed WHEN the in-process set is installed THEN exactly it is in place
    assert not any(patches.installed("server").values())
    patches.install_all(time_scale=0.0, lambda_mode="inprocess", scope="in_process")
    try:
        assert all(patches.installed("in_process").values())
        assert sfn_time.time_scale() == 0.0
        assert not sfn_execution.PATCH.installed
    finally:
        patches.uninstall_all(scope="in_process")
        lambda_invoke.configure(mode="subprocess")
    # THEN removing it restores moto (and forgets the in-process time scale)
    assert not any(patches.installed("server").values())
    assert sfn_time.time_scale() == 1.0
