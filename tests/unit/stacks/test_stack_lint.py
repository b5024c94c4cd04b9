"""External validators on the synthesized output: cfn-lint on the template, statelint and asl-validator
on the rendered state machine (both tools are project dependencies, so these tests never skip)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scripts.render_asl import render_asl
from scripts.validate_asl import validate


def test_template_passes_cfn_lint(default_synth, kms_synth, tmp_path):
    # GIVEN both synthesized configurations written to disk
    paths = []
    for name, s in (("default", default_synth), ("kms", kms_synth)):
        path = tmp_path / f"{name}.template.json"
        path.write_text(json.dumps(s.json))
        paths.append(str(path))
    # WHEN cfn-lint checks them (W3005: CDK's redundant DependsOn) THEN it reports nothing
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--ignore-checks", "W3005", "--", *paths],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_state_machine_passes_statelint_and_asl_validator(default_synth, tmp_path):
    path = tmp_path / "asl.json"
    path.write_text(json.dumps(render_asl(default_synth.json)))
    assert validate(path) == []


def test_validators_report_a_dangling_transition(default_synth, tmp_path):
    # GIVEN the ASL with its Done state removed (RecordJob and CompareJobs now point nowhere)
    asl = render_asl(default_synth.json)
    del asl["States"]["Done"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(asl))
    # WHEN validated THEN both validators fail
    failures = validate(path)
    assert [f.split(":")[0] for f in failures] == ["statelint", "asl-validator"]
