"""HTTP control routes under ``/_sandbox/`` in front of the moto server (WSGI middleware).

=======  ======================  =====================================================================
Method   Path                    Effect
=======  ======================  =====================================================================
GET      /_sandbox/health        patches installed, endpoint, clock
GET      /_sandbox/faults        pending faults (``?account=&region=``, default account and region)
POST     /_sandbox/faults        queue a fault: ``{"kind": "fail", "count": 1, "reason": ..., "atHours":
                                 ..., "hours": ..., "namePattern": "lc-*"}`` (see ``groundtruth.faults``)
DELETE   /_sandbox/faults        drop pending faults
GET      /_sandbox/clock         ``{"now", "msPerSimulatedHour"}``
POST     /_sandbox/clock         ``{"advanceHours": 2}`` and/or ``{"msPerSimulatedHour": 500}``
POST     /_sandbox/difficulty    ``{"pattern": "s3://bucket/half-2/*", "difficulty": 0.8}``
POST     /_sandbox/tick          process due jobs and schedules now
POST     /_sandbox/reset         reset every moto backend and the sandbox state
GET      /_sandbox/deliveries    recent EventBridge deliveries to Step Functions/Lambda
GET      /_sandbox/lambda        warm Lambda environments: cold/warm starts and live environments per
                                 function, the recent invocations (which process served each)
=======  ======================  =====================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from . import groundtruth
from .patches import events_targets, lambda_invoke

if TYPE_CHECKING:
    from .server import Sandbox

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PREFIX = "/_sandbox/"


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, default=str), status=status, mimetype="application/json")


class ControlApp:
    """Serve ``/_sandbox/*`` from ``sandbox``; pass every other request to moto's ``app``."""

    def __init__(self, app: WSGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.app(environ, start_response)
        request = Request(environ)
        try:
            response = self.handle(request)
        except (ValueError, TypeError, KeyError) as error:
            response = _json({"error": type(error).__name__, "message": str(error)}, 400)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Route one control request."""
        route = (request.method, request.path[len(PREFIX) :].strip("/"))
        body = request.get_json(silent=True) or {}
        where = {
            "account_id": request.args.get("account", self.sandbox.account_id),
            "region": request.args.get("region", self.sandbox.settings.region),
        }
        if route == ("GET", "health"):
            return _json(self.sandbox.health())
        if route == ("GET", "faults"):
            return _json([f.to_dict() for f in groundtruth.pending_faults(**where)])
        if route == ("POST", "faults"):
            return _json(groundtruth.add_fault(body, **where).to_dict(), 201)
        if route == ("DELETE", "faults"):
            groundtruth.clear_faults(**where)
            return _json({"cleared": True})
        if route == ("GET", "clock"):
            return _json(groundtruth.clock_view())
        if route == ("POST", "clock"):
            if "msPerSimulatedHour" in body:
                groundtruth.config().clock.set_speed(body["msPerSimulatedHour"])
            if body.get("advanceHours"):
                self.sandbox.advance(float(body["advanceHours"]))
            return _json(groundtruth.clock_view())
        if route == ("POST", "difficulty"):
            return _json({"rules": groundtruth.add_difficulty(body["pattern"], float(body["difficulty"]))})
        if route == ("POST", "tick"):
            return _json(self.sandbox.tick())
        if route == ("POST", "reset"):
            self.sandbox.reset()
            return _json({"reset": True})
        if route == ("GET", "deliveries"):
            return _json(list(events_targets.deliveries))
        if route == ("GET", "lambda"):
            return _json(lambda_invoke.subprocess_runner().stats())
        return _json({"error": "NotFound", "message": f"no control route {route[0]} {request.path}"}, 404)
