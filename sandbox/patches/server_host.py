"""Point moto's callback host at the local server.

CloudFormation custom resources tell their provider Lambda to PUT the result to
``<moto_server_host()>:<MOTO_PORT>/cloudformation_<region>/cfnresponse``. moto returns
``http://host.docker.internal`` (for Lambda in Docker); the sandbox runs handlers on the host, so the
server's own loopback name is the right answer. ``localhost`` (not ``127.0.0.1``) because moto recognises
S3 template URLs by that name.
"""

from __future__ import annotations

import moto.settings as moto_settings

from ._base import AttributePatch, PatchSet

_HOST = "http://localhost"


def moto_server_host() -> str:
    """The scheme and host custom-resource providers call back on."""
    return _HOST


PATCH = PatchSet(
    __name__, AttributePatch(moto_settings, "moto_server_host", lambda _original: moto_server_host)
)
