"""Which Powertools for AWS Lambda (Python) the deployed functions import: the pinned one, by version.

The functions use the AWS-managed public Powertools layer. Its ARN ends in a *layer* number that says
nothing about the package version, so the stack never names one: it asks, at deploy time, for the public
SSM parameter Powertools publishes per release (``/aws/service/powertools/python/<arch>/<runtime>/<version>``,
value: that release's layer ARN in the region). The version is the one installed in this environment — the
``aws-lambda-powertools`` pin every test ran with — so the template cannot drift from the tests.

Why the parameter and not a bundled copy: bundling needs the arm64 wheels of Powertools' dependencies
(X-Ray's ``wrapt``) at every synth; the parameter needs nothing, and a release whose parameter AWS never
published fails the deploy by name (and ``labelchain doctor`` says so before) instead of deploying another
version. This module imports no CDK, so the CLI can use it.
"""

from __future__ import annotations

from aws_lambda_powertools.shared.version import VERSION as POWERTOOLS_VERSION

__all__ = [
    "POWERTOOLS_ARCHITECTURE",
    "POWERTOOLS_RUNTIME",
    "POWERTOOLS_VERSION",
    "powertools_layer_name",
    "powertools_parameter_name",
]

#: The functions' runtime and architecture, in the parameter path's spelling.
POWERTOOLS_RUNTIME = "python3.12"
POWERTOOLS_ARCHITECTURE = "arm64"


def powertools_parameter_name(
    version: str = POWERTOOLS_VERSION,
    *,
    runtime: str = POWERTOOLS_RUNTIME,
    architecture: str = POWERTOOLS_ARCHITECTURE,
) -> str:
    """The public SSM parameter holding the layer ARN of Powertools ``version`` (default: the installed,
    pinned one) for ``runtime`` (default ``python3.12``) and ``architecture`` (default ``arm64``)."""
    return f"/aws/service/powertools/python/{architecture}/{runtime}/{version}"


def powertools_layer_name(
    *, runtime: str = POWERTOOLS_RUNTIME, architecture: str = POWERTOOLS_ARCHITECTURE
) -> str:
    """The layer's name (``AWSLambdaPowertoolsPythonV3-python312-arm64``), the part before ``:<number>``."""
    return f"AWSLambdaPowertoolsPythonV3-{runtime.replace('.', '')}-{architecture}"
