"""Benchmark 4: cold start of each handler (module import, boto3/botocore excluded) and the asset size.

``python -X importtime -c "import labelchain_fn.handlers.<name>"`` in a fresh process per run (best of
``--repeat``): the import tree is rebuilt from the report, modules the bare interpreter imports at start-up
are dropped, and every subtree rooted at ``boto3``/``botocore`` (with what they import) is excluded; the rest
is the handler's own import cost (Powertools, X-Ray SDK, labelchain). Handlers come from the synthesized
template. The asset is the staged ``cdk.out`` folder zipped as the sandbox and CDK upload it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import Section, emit, parser
from bench.importtime import excluded_us, import_tree, importer_of, own_by_package
from sandbox.deploy import zip_directory

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_ZIP_LIMIT_MB = 50.0  # direct-upload limit of a Lambda deployment package
#: Why a package is imported, for the notes (checked against the pinned versions).
CAUSES = {
    "aws_xray_sdk": "Powertools' `Tracer()`, created at module level there, builds its X-Ray recorder "
    "(`aws_xray_sdk.core`, which pulls in `asyncio`) at once; that is the price of tracing, paid in every "
    "cold start whether or not tracing is active.",
}
#: The services the adapters create clients for (``labelchain_fn.adapters.*``).
CLIENT_SERVICES = ("dynamodb", "sagemaker", "s3", "sns", "ssm", "stepfunctions")
LAMBDA_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "bench",
}


def _report(code: str) -> str:
    env = {**os.environ, **LAMBDA_ENV}
    command = [sys.executable, "-X", "importtime", "-c", code]
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=ROOT).stderr


def measure_handler(module: str, startup: set[str], repeat: int) -> dict[str, Any]:
    """Best-of-``repeat`` import figures of one handler module, in milliseconds."""
    runs = []
    for _ in range(repeat):
        nodes = [n for n in import_tree(_report(f"import {module}")) if n.name not in startup]
        total = sum(n.cumulative_us for n in nodes)
        boto = sum(excluded_us(n) for n in nodes)
        packages: dict[str, int] = {}
        for node in nodes:
            own_by_package(node, packages)
        top = sorted(packages.items(), key=lambda kv: -kv[1])[:3]
        runs.append(
            {"ownMs": (total - boto) / 1000, "botoMs": boto / 1000, "totalMs": total / 1000}
            | {f"top:{name}": us / 1000 for name, us in top}
            | {f"importer:{top[0][0]}": importer_of(nodes, top[0][0]) or "?"}
        )
    return min(runs, key=lambda r: float(r["ownMs"]))


_CLIENTS_AS_BUILT = """
import time, boto3
from labelchain_fn.adapters import clients
started = time.perf_counter()
for service in {services!r}:
    clients.client(service)
print((time.perf_counter() - started) * 1000)
"""
_CLIENTS_SHARED = """
import time, boto3
from labelchain_fn.adapters import clients
started = time.perf_counter()
session = boto3.session.Session()
for service in {services!r}:
    session.client(service, config=clients.RETRY_CONFIG)
print((time.perf_counter() - started) * 1000)
"""


def client_creation_ms(repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` ms to create the adapters' clients in a fresh process: as built, and sharing one
    boto3 ``Session`` (the reference)."""
    env = {**os.environ, **LAMBDA_ENV}
    result = {}
    for key, code in (("asBuilt", _CLIENTS_AS_BUILT), ("shared", _CLIENTS_SHARED)):
        command = [sys.executable, "-c", code.format(services=CLIENT_SERVICES)]
        runs = [
            float(subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout)
            for _ in range(repeat)
        ]
        result[key] = min(runs)
    return result


def handler_modules(cdk_out: Path) -> list[str]:
    """Handler modules named by the synthesized template's functions (sorted, unique)."""
    template = next(cdk_out.glob("*.template.json"))
    resources = json.loads(template.read_text())["Resources"].values()
    handlers = {r["Properties"]["Handler"] for r in resources if r["Type"] == "AWS::Lambda::Function"}
    return sorted({h.rsplit(".", 1)[0] for h in handlers if h.startswith("labelchain_fn.")})


def asset_figures(cdk_out: Path) -> dict[str, float]:
    """Zipped and unzipped size (MB) and file count of the Lambda asset staged in ``cdk.out``."""
    assets = json.loads(next(cdk_out.glob("*.assets.json")).read_text())["files"]
    folder = next(cdk_out / a["source"]["path"] for a in assets.values() if a["source"]["packaging"] == "zip")
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {
        "zipMb": len(zip_directory(folder)) / 2**20,
        "rawMb": sum(p.stat().st_size for p in files) / 2**20,
        "files": len(files),
        "pycache": sum(1 for p in files if "__pycache__" in p.parts),
    }


def build(handlers: dict[str, dict[str, Any]], asset: dict[str, float], clients: dict[str, float]) -> Section:
    """The section."""
    section = Section("cold_start", "4. Cold start (imports, boto3/botocore excluded) and asset size")
    for module, ms in handlers.items():
        top = ", ".join(f"{k[4:]} {v / ms['ownMs']:.0%}" for k, v in ms.items() if k.startswith("top:"))
        section.add(
            f"import {module.rsplit('.', 1)[-1]} (largest shares: {top})", round(ms["ownMs"]), "ms",
            ratio=f"+ {ms['botoMs']:,.0f} ms boto3/botocore = {ms['totalMs']:,.0f} ms",
        )  # fmt: skip
    slower = clients["asBuilt"] / clients["shared"]
    section.add(
        f"First boto3 clients of the {len(CLIENT_SERVICES)} services the adapters use "
        "(`adapters.clients.client`)", round(clients["asBuilt"]), "ms",
        ratio=f"{slower:.1f}x one shared boto3 Session ({clients['shared']:,.0f} ms)",
    )  # fmt: skip
    if slower > 1.5:
        section.notes.append(
            "`labelchain_fn/adapters/clients.py` creates every client from a new `boto3.session.Session()`, "
            "so each client loads botocore's `endpoints.json` and `sdk-default-configuration.json` again "
            "(once per session instead of once per process); one module-level session, created lazily, would "
            f"save ~{(clients['asBuilt'] - clients['shared']) / len(CLIENT_SERVICES):.0f} ms per client on "
            "every cold start."
        )
    section.add(
        f"Lambda asset zip ({asset['files']:.0f} files, {asset['rawMb']:.2f} MB unzipped)",
        round(asset["zipMb"], 3), "MB", f"< {LAMBDA_ZIP_LIMIT_MB:.0f} MB",
        f"{asset['zipMb'] / LAMBDA_ZIP_LIMIT_MB:.2%} of the limit; {asset['pycache']:.0f} __pycache__ files",
        asset["zipMb"] < LAMBDA_ZIP_LIMIT_MB and asset["pycache"] == 0,
    )  # fmt: skip
    importers = {k[9:]: v for ms in handlers.values() for k, v in ms.items() if k.startswith("importer:")}
    for package, importer in importers.items():
        shares = [ms[f"top:{package}"] / ms["ownMs"] for ms in handlers.values() if f"top:{package}" in ms]
        section.notes.append(
            f"`{package}` is the largest share of the handlers' own imports ({min(shares):.0%}-"
            f"{max(shares):.0%}); it is first imported by `{importer}`. {CAUSES.get(package, '')}".rstrip()
        )
    section.notes.append(
        "Wall-clock import times on this machine (best of the runs); start-up modules of a bare interpreter "
        "are excluded. Powertools comes from a layer in AWS and is counted, boto3/botocore are not."
    )
    return section


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=5, help="runs per handler, best kept (default 5)")
    args.add_argument("--cdk-out", type=Path, default=ROOT / "cdk.out")
    ns = args.parse_args(argv)
    startup = {n.name for n in import_tree(_report("pass"))}
    handlers = {m: measure_handler(m, startup, ns.repeat) for m in handler_modules(ns.cdk_out)}
    emit(build(handlers, asset_figures(ns.cdk_out), client_creation_ms(ns.repeat)), ns.json)


if __name__ == "__main__":
    main()
