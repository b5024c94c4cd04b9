"""``python -m sandbox``: run the sandbox until interrupted, optionally deploying ``cdk.out`` first.

It prints ``export`` lines (endpoint, fake credentials, region) for other shells: the AWS CLI, scripts or
``cdk`` commands then talk to the sandbox. The server lives in this process, so keep it running.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .server import Sandbox
from .settings import SandboxSettings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (each also has a ``SANDBOX_*`` environment variable, see settings.py)."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Run the local AWS sandbox.")
    parser.add_argument("--port", type=int, help="loopback port (default: a free one)")
    parser.add_argument("--region", help="region (default us-east-1)")
    parser.add_argument(
        "--ms-per-sim-hour",
        type=float,
        dest="ms_per_simulated_hour",
        help="real milliseconds per simulated hour (default 1000)",
    )
    parser.add_argument("--time-scale", type=float, help="Wait/Retry scale (default: follows the clock)")
    parser.add_argument("--seed", type=int, help="simulation seed (default 0)")
    parser.add_argument("--lambda-mode", choices=("subprocess", "inprocess"), help="default subprocess")
    parser.add_argument(
        "--cold-starts",
        action="store_true",
        default=None,
        help="a fresh process per Lambda invocation (default: warm environments, kept per configuration)",
    )
    parser.add_argument("--deploy", type=Path, metavar="CDK_OUT", help="deploy this cdk.out after start")
    parser.add_argument("--stack", help="stack to deploy when cdk.out holds several")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log moto and sandbox details (a failed Lambda invocation: its whole error document)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start, print the connection details, optionally deploy, then serve until SIGINT/SIGTERM."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    settings = SandboxSettings.from_env(
        port=args.port,
        region=args.region,
        ms_per_simulated_hour=args.ms_per_simulated_hour,
        time_scale=args.time_scale,
        seed=args.seed,
        lambda_mode=args.lambda_mode,
        cold_starts=args.cold_starts,
    )
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    with Sandbox(settings) as sandbox:
        print(
            f"# labelchain sandbox at {sandbox.endpoint_url} "
            f"(control API: {sandbox.endpoint_url}/_sandbox/health)"
        )
        for name, value in sandbox.env().items():
            print(f"export {name}={value}")
        print("# paste the lines above into another shell: the AWS CLI, boto3 and `cdk` then use the sandbox")
        sys.stdout.flush()
        if args.deploy:
            from .deploy import deploy

            result = deploy(sandbox, args.deploy, stack_name=args.stack)
            print(f"# deployed {result.stack_name}: {result.summary()}")
            for key, value in sorted(result.outputs.items()):
                print(f"# output {key} = {value}")
        print("# running; Ctrl-C stops it")
        sys.stdout.flush()
        done.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
