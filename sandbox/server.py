"""The sandbox: a patched moto server on loopback with a simulated Ground Truth and a scheduler.

>>> with Sandbox() as sandbox:                       # doctest: +SKIP
...     s3 = sandbox.client("s3")
...     s3.create_bucket(Bucket="example")

The server runs in this process (``ThreadedMotoServer``), so the patches apply to it. ``MOTO_PORT`` is set
to the real port because moto's Step Functions interpreter and CloudFormation call back on
``http://localhost:$MOTO_PORT``. Do not use ``mock_aws`` in the same process while a sandbox runs: both
share moto's global backends.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from stacks.powertools import powertools_parameter_name

from . import groundtruth, patches
from .clock import SimClock
from .control_api import ControlApp
from .lambda_runtime.code_cache import CodeCache
from .lambda_runtime.subprocess_runner import SubprocessRunner
from .patches import events_targets, lambda_invoke
from .public_parameters import publish_powertools
from .scheduler import Scheduler
from .settings import SandboxSettings

LOG = logging.getLogger(__name__)
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
#: Longest wait on stop for scheduled invocations still running.
STOP_DRAIN_SECONDS = 30.0


def _quiet_unsupported_resources(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("No Moto CloudFormation support")


class _Server(ThreadedMotoServer):
    """``ThreadedMotoServer`` whose WSGI app has the ``/_sandbox/`` control routes in front."""

    def __init__(self, sandbox: Sandbox, port: int) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        self._sandbox = sandbox

    def _server_entry(self) -> None:
        app = ControlApp(DomainDispatcherApplication(create_backend_app), self._sandbox)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class Sandbox:
    """Local AWS for this project; see the module docstring.

    Parameters
    ----------
    settings : how to run; default :meth:`SandboxSettings.from_env`.
    """

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings.from_env()
        self.account_id = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
        self.clock = SimClock(self.settings.ms_per_simulated_hour)
        self.scheduler = Scheduler(self.clock, self.settings.schedule_min_real_seconds)
        self._server: _Server | None = None
        self._port: int | None = None
        self._previous_moto_port: str | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Install the patches, start the server and the background ticker; returns ``self``."""
        if self._server is not None:
            return self
        # moto's request handler logs every request through werkzeug: keep the console readable.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # Unsupported CloudFormation types are reported by deploy(); moto's per-resource noise is not.
        logging.getLogger("moto").addFilter(_quiet_unsupported_resources)
        warnings.filterwarnings("ignore", message="Tried to parse .* not supported", category=UserWarning)
        patches.install_all(
            time_scale=self.settings.effective_time_scale, lambda_mode=self.settings.lambda_mode
        )
        groundtruth.install()
        groundtruth.configure(seed=self.settings.seed, clock=self.clock)
        self._server = _Server(self, self.settings.port)
        self._server.start()
        self._port = int(self._server.get_host_and_port()[1])
        self._previous_moto_port = os.environ.get("MOTO_PORT")
        os.environ["MOTO_PORT"] = str(self._port)
        runner = SubprocessRunner(
            endpoint_url=self.endpoint_url,
            cache=CodeCache(self.settings.code_cache),
            warm=not self.settings.cold_starts,
        )
        lambda_invoke.configure(subprocess_runner=runner)
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick_forever, name="sandbox-ticker", daemon=True)
        self._ticker.start()
        self._publish_public_parameters()
        return self

    def _publish_public_parameters(self) -> None:
        # What AWS publishes for every account, so `cdk deploy` through the real CLI resolves it too.
        publish_powertools(self, powertools_parameter_name())

    def stop(self) -> None:
        """Stop the ticker and the server and remove the patches (moto behaves as before)."""
        if self._server is None:
            return
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        # A scheduled Lambda (the monitor) still running would fail against a stopped server.
        self.scheduler.drain(timeout=STOP_DRAIN_SECONDS)
        self._server.stop()
        self._server = None
        lambda_invoke.subprocess_runner().close()  # the warm Lambda environments
        if self._previous_moto_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = self._previous_moto_port
        groundtruth.uninstall()
        patches.uninstall_all()

    def reset(self) -> None:
        """Wipe every moto backend (jobs, models and faults too) and the scheduler; keep the server."""
        from moto.moto_api import _internal as moto_api

        moto_api.moto_api_backend.reset()
        self.scheduler.reset()
        events_targets.deliveries.clear()
        lambda_invoke.subprocess_runner().close()  # no function survives the reset: neither do environments
        self._publish_public_parameters()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- time ------------------------------------------------------------------------------------------
    def tick(self) -> dict[str, int]:
        """Process due labeling jobs and scheduled rules now."""
        return {"runningJobs": groundtruth.tick(self.clock.now()), "firedSchedules": self.scheduler.tick()}

    def advance(self, hours: float) -> dict[str, int]:
        """Jump simulated time forward by ``hours`` and process what became due."""
        self.clock.advance(hours=hours)
        return self.tick()

    def _tick_forever(self) -> None:
        while not self._stop.wait(self.settings.tick_seconds):
            try:
                self.tick()
            except Exception:  # keep ticking: one bad rule or job must not stop simulated time
                LOG.exception("sandbox tick failed")

    # -- access ----------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The server's port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("the sandbox is not started")
        return self._port

    @property
    def endpoint_url(self) -> str:
        """``http://localhost:<port>``: ``localhost`` because moto recognises S3 template URLs by it."""
        return f"http://localhost:{self.port}"

    def session(self) -> boto3.Session:
        """A boto3 session with fake credentials in the sandbox region."""
        return boto3.Session(region_name=self.settings.region, **CREDENTIALS)

    def client(self, service: str, **kwargs: Any) -> BaseClient:
        """A client bound to the sandbox endpoint (standard retry mode)."""
        config = kwargs.pop("config", Config(retries={"mode": "standard", "max_attempts": 3}))
        return self.session().client(service, endpoint_url=self.endpoint_url, config=config, **kwargs)

    def env(self) -> dict[str, str]:
        """Environment variables that point AWS SDKs and CLIs at the sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ENDPOINT_URL_S3": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_REGION": self.settings.region,
            "AWS_DEFAULT_REGION": self.settings.region,
            "AWS_S3_FORCE_PATH_STYLE": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "MOTO_PORT": str(self.port),
        }

    def health(self) -> dict[str, Any]:
        """What ``GET /_sandbox/health`` returns."""
        return {
            "endpoint": self.endpoint_url,
            "patches": patches.installed(),
            "groundTruth": groundtruth.is_installed(),
            "clock": groundtruth.clock_view(),
        }
