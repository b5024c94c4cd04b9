"""Change sets on an existing stack: the path a second ``cdk deploy`` (and ``cdk diff``) takes.

moto 5.2.5 handles the change set that *creates* a stack, but not the update cycle the CDK CLI runs on a
stack that exists (``DeleteChangeSet`` of the previous ``cdk-deploy-change-set`` → wait until
``DescribeChangeSet`` says ``ChangeSetNotFound`` → ``CreateChangeSet`` ``UPDATE`` → ``DescribeChangeSet`` →
``ExecuteChangeSet`` → ``DescribeStacks``/``DescribeStackEvents``):

* change sets are looked up by name across *all* stacks (the bootstrap stack has a ``cdk-deploy-change-set``
  too), a missing one is ``ValidationError: Stack with id <change set> does not exist`` instead of
  ``ChangeSetNotFound``, and deleting a missing one is an HTTP 500 (``UnboundLocalError``);
* ``UsePreviousValue`` takes the *resolved* value of an SSM-typed parameter (``BootstrapVersion``: ``30``)
  and then resolves it again as a parameter name (HTTP 500 on execute);
* ``ExecuteChangeSet`` ``UPDATE`` keeps the old outputs and parameters, executes a change set twice, never
  fails the stack (an error is an HTTP 500) and writes no resource events;
* a modified resource whose type moto cannot update in place is replaced by ``None`` in the stack's resource
  map (a later ``Ref`` to it resolves to nothing); an ``AWS::SSM::Parameter`` is deleted and re-created
  (version 1) instead of updated (next version); an ``AWS::Lambda::Function`` that loses its
  ``Environment`` or ``Layers`` keeps the old ones, and one with inline code (``ZipFile``) cannot be updated.

The parts: :mod:`.lookup` (stack-scoped lookups; ``DescribeChangeSet``, ``DeleteChangeSet``,
``ListChangeSets``), :mod:`.create` (``CreateChangeSet``), :mod:`.execute` (``ExecuteChangeSet`` and the
``UPDATE`` it applies to the stack) and :mod:`.resource_updates` (the per-type updates moto gets wrong).
Resources are updated through moto's own per-type ``update_from_cloudformation_json`` (Lambda configuration
and code, state machine definition, rules, roles and policies...). Not simulated: rollback of a failed
update (the stack ends ``UPDATE_FAILED``), and the change details CloudFormation lists per property
(``Details``, ``Replacement``).
"""

from __future__ import annotations

import moto.cloudformation.parsing as cfn_parsing
from moto.awslambda.models import LambdaFunction
from moto.cloudformation.responses import CloudFormationResponse
from moto.ssm.models import Parameter

from .._base import AttributePatch, PatchSet
from .._cfn_hooks import update_hook_patch
from .create import create_change_set
from .execute import execute_change_set
from .lookup import delete_change_set, describe_change_set, list_change_sets
from .resource_updates import build_parse_and_update, function_update, parameter_update

PATCH = PatchSet(
    __name__,
    AttributePatch(CloudFormationResponse, "create_change_set", lambda _original: create_change_set),
    AttributePatch(CloudFormationResponse, "describe_change_set", lambda _original: describe_change_set),
    AttributePatch(CloudFormationResponse, "delete_change_set", lambda _original: delete_change_set),
    AttributePatch(CloudFormationResponse, "list_change_sets", lambda _original: list_change_sets),
    AttributePatch(CloudFormationResponse, "execute_change_set", lambda _original: execute_change_set),
    AttributePatch(cfn_parsing, "parse_and_update_resource", build_parse_and_update),
    update_hook_patch(Parameter, parameter_update),
    update_hook_patch(LambdaFunction, function_update),
)
