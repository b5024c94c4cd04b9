"""Make CloudFormation-created state machines executable.

``StateMachine.create_from_cloudformation_json`` writes into the module global
``moto.stepfunctions.models.stepfunctions_backends`` (the non-executing store) while the API, once
execution is on, reads ``stepfunctions_parser_backends``: a deployed state machine is then
``StateMachineDoesNotExist``. Pointing the name at the parser backends gives both one executing store.
"""

from __future__ import annotations

import moto.stepfunctions.models as sfn_models
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from ._base import AttributePatch, PatchSet

# Only the name CloudFormation uses is repointed: ``moto.stepfunctions.stepfunctions_backends`` (the
# package attribute) must stay, because the server builds its URL map from that BackendDict's module.
PATCH = PatchSet(
    __name__,
    AttributePatch(sfn_models, "stepfunctions_backends", lambda _original: stepfunctions_parser_backends),
)
