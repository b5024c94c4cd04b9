"""Per-function IAM: one role each, and only the calls each handler makes."""

from __future__ import annotations

from stack_synth import HANDLERS, KMS_KEY_ARN, actions_by_resource, as_list


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
        # The monitor stops orphaned jobs; RecordFailure stops the job of a failed execution; RecordJob the
        # control job of a failed branch; StartJob a job it created for a record closed under it.
        stoppers = ("start", "monitor", "record", "record_failure")
        assert ("sagemaker:StopLabelingJob" in actions) == (name in stoppers), name


def test_the_functions_that_settle_jobs_read_the_output_manifests(default_synth):
    s = default_synth
    output_id = s.stack.resolve(s.stack.storage.output_bucket.bucket_arn)["Fn::GetAtt"][0]
    for name in HANDLERS:
        grants = s.function_grants(name)
        reads = {r for r, actions in grants.items() if "s3:GetObject" in actions and output_id in r}
        # RecordJob, RecordFailure and the monitor settle ended jobs (handlers/settle.py), which cross-checks
        # the counters with the output manifest; the others never read it
        expected = {f"<{output_id}.Arn>/jobs/*"} if name in ("record", "record_failure", "monitor") else set()
        assert reads == expected, name
        assert not any("s3:PutObject" in actions for r, actions in grants.items() if output_id in r), name


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
    state_machine_id = s.stack.resolve(s.stack.workflow.state_machine.state_machine_arn)["Ref"]
    for name in HANDLERS:
        grants = s.function_grants(name)
        actions = set().union(*grants.values())
        assert ("states:SendTaskSuccess" in actions) == (name in ("job_state_changed", "monitor")), name
        # The monitor reconciles jobs whose execution ended; Prepare takes over an upload whose execution
        # ended before creating a labeling job
        executions = [r for r, a in grants.items() if "states:DescribeExecution" in a]
        expected = (
            [f"arn:aws:states:us-east-1:<AWS::AccountId>:execution:<{state_machine_id}.Name>:*"]
            if name in ("prepare", "monitor")
            else []
        )
        assert executions == expected, name


def test_execution_checks_are_policies_of_their_own(default_synth):
    # DescribeExecution names the state machine, which invokes Prepare: through the role's default policy
    # (which the function depends on) the function, its policy and the state machine would form a cycle
    s = default_synth
    for name in ("prepare", "monitor"):
        role_id = s.function(name)["Properties"]["Role"]["Fn::GetAtt"][0]
        policies = [
            policy
            for policy in s.resources("AWS::IAM::Policy").values()
            if {"Ref": role_id} in policy["Properties"]["Roles"]
            and any(
                "states:DescribeExecution" in as_list(statement["Action"])
                for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            )
        ]
        assert len(policies) == 1, name
        [statement] = policies[0]["Properties"]["PolicyDocument"]["Statement"]
        assert as_list(statement["Action"]) == ["states:DescribeExecution"], name
        function_depends = as_list(s.function(name).get("DependsOn", []))
        policy_id = next(k for k, v in s.resources("AWS::IAM::Policy").items() if v is policies[0])
        assert policy_id not in function_depends, name


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
