"""Per-function IAM: one role each, and only the calls each handler makes."""

from __future__ import annotations

from stack_synth import HANDLERS, KMS_KEY_ARN, actions_by_resource


def test_each_function_has_its_own_role_without_managed_policies(default_synth):
    roles = [default_synth.function(name)["Properties"]["Role"]["Fn::GetAtt"][0] for name in HANDLERS]
    assert len(set(roles)) == len(HANDLERS)
    for role_id in roles:
        assert "ManagedPolicyArns" not in default_synth.json["Resources"][role_id]["Properties"]


def test_only_start_may_create_jobs_and_pass_the_ground_truth_role(default_synth):
    for name in HANDLERS:
        actions = set().union(*default_synth.function_grants(name).values())
        assert ("sagemaker:CreateLabelingJob" in actions) == (name == "start"), name
        assert ("iam:PassRole" in actions) == (name == "start"), name
        # The monitor stops orphaned jobs; RecordFailure stops the job of a failed execution.
        assert ("sagemaker:StopLabelingJob" in actions) == (name in ("monitor", "record_failure")), name


def test_only_the_monitor_queries_the_table_indexes(default_synth):
    for name in HANDLERS:
        grants = default_synth.function_grants(name)
        queries = [r for r, actions in grants.items() if "dynamodb:Query" in actions]
        table_id = default_synth.stack.resolve(default_synth.stack.job_table.table.table_arn)["Fn::GetAtt"][0]
        assert queries == ([f"<{table_id}.Arn>", f"<{table_id}.Arn>/index/*"] if name == "monitor" else []), (
            name
        )


def test_prepare_writes_only_the_artifact_prefixes_and_reads_the_input_bucket(default_synth):
    s = default_synth
    grants = s.function_grants("prepare")
    storage = s.stack.storage
    artifacts = s.stack.resolve(storage.artifacts_bucket.bucket_arn)["Fn::GetAtt"][0]
    input_id = s.stack.resolve(storage.input_bucket.bucket_arn)["Fn::GetAtt"][0]
    written = {r for r, actions in grants.items() if "s3:PutObject" in actions}
    assert written == {
        f"<{artifacts}.Arn>/{p}*" for p in ("manifests/", "label-categories/", "ui-templates/")
    }
    assert grants[f"<{input_id}.Arn>/*"] == {"s3:GetObject", "s3:GetObjectVersion"}
    # ListBucket makes a missing manifest a 404 (ManifestNotFound) instead of a 403
    assert "s3:ListBucket" in grants[f"<{input_id}.Arn>"]


def test_callbacks_and_execution_checks_are_granted_where_the_design_needs_them(default_synth):
    s = default_synth
    for name in HANDLERS:
        actions = set().union(*s.function_grants(name).values())
        assert ("states:SendTaskSuccess" in actions) == (name in ("job_state_changed", "monitor")), name
    monitor = s.function_grants("monitor")
    executions = [r for r, a in monitor.items() if "states:DescribeExecution" in a]
    state_machine_id = s.stack.resolve(s.stack.workflow.state_machine.state_machine_arn)["Ref"]
    assert executions == [
        f"arn:<AWS::Partition>:states:us-east-1:<AWS::AccountId>:execution:<{state_machine_id}.Name>:*"
    ]


def test_functions_get_the_configured_kms_key_only_when_set(default_synth, kms_synth):
    for name in HANDLERS:
        assert KMS_KEY_ARN in kms_synth.function_grants(name), name
        assert KMS_KEY_ARN not in default_synth.function_grants(name), name


def test_state_machine_role_invokes_exactly_the_workflow_functions(default_synth):
    s = default_synth
    role_id = s.stack.resolve(s.stack.workflow.state_machine.role.role_arn)["Fn::GetAtt"][0]
    invoked = {
        r for r, a in actions_by_resource(s.role_statements(role_id)).items() if "lambda:InvokeFunction" in a
    }
    ids = s.function_ids()
    expected = {f"<{ids[n]}.Arn>" for n in ("prepare", "start", "record", "record_failure", "compare")}
    assert {r.removesuffix(":*") for r in invoked} == expected
