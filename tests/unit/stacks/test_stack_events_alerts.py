"""EventBridge rules (patterns and targets), the notification topic and the alarms."""

from __future__ import annotations

from typing import Any

from stack_synth import HANDLERS, Synth, as_list


def _rule(s: Synth, predicate) -> dict[str, Any]:
    (rule,) = [
        r["Properties"] for r in s.resources("AWS::Events::Rule").values() if predicate(r["Properties"])
    ]
    return rule


def _event_rule(s: Synth, source: str) -> dict[str, Any]:
    """The one rule whose event pattern matches events of ``source``."""
    return _rule(s, lambda p: p.get("EventPattern", {}).get("source") == [source])


def _ref(s: Synth, value: str) -> Any:
    return s.stack.resolve(value)


def test_manifest_uploads_under_incoming_start_the_state_machine_with_the_event(default_synth):
    s = default_synth
    rule = _event_rule(s, "aws.s3")
    # THEN only Object Created events of the input bucket, for incoming/*.manifest keys, match
    assert rule["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [_ref(s, s.stack.storage.input_bucket.bucket_name)]},
            "object": {"key": [{"wildcard": "incoming/*.manifest"}]},
        },
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == _ref(s, s.stack.workflow.state_machine.state_machine_arn)
    # AND the execution input is the event itself (no Input / InputPath / transformer)
    assert not {"Input", "InputPath", "InputTransformer"} & set(target)
    role = s.json["Resources"][target["RoleArn"]["Fn::GetAtt"][0]]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "events.amazonaws.com"
    }


def test_terminal_labeling_job_state_changes_reach_job_state_changed(default_synth):
    s = default_synth
    rule = _event_rule(s, "aws.sagemaker")
    assert rule["EventPattern"] == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Ground Truth Labeling Job State Change"],
        "detail": {"LabelingJobStatus": ["Completed", "Failed", "Stopped"]},
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [s.function_ids()["job_state_changed"], "Arn"]}


def test_monitor_runs_on_the_configured_interval(default_synth):
    s = default_synth
    rule = _rule(s, lambda p: "ScheduleExpression" in p)
    assert rule["ScheduleExpression"] == "rate(15 minutes)"
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [s.function_ids()["monitor"], "Arn"]}
    # AND EventBridge may invoke both event-driven functions
    permitted = {
        p["Properties"]["FunctionName"]["Fn::GetAtt"][0]
        for p in s.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
    }
    assert permitted == {s.function_ids()["monitor"], s.function_ids()["job_state_changed"]}


def test_topic_is_kms_encrypted_and_ssl_only(default_synth):
    s = default_synth
    (topic_id,) = s.resources("AWS::SNS::Topic")
    key_ref = s.resources("AWS::SNS::Topic")[topic_id]["Properties"]["KmsMasterKeyId"]
    key = s.json["Resources"][key_ref["Fn::GetAtt"][0]]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    # CloudWatch alarms must be able to publish to the encrypted topic
    principals = [st.get("Principal") for st in key["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "cloudwatch.amazonaws.com"} in principals
    (policy,) = s.resources("AWS::SNS::TopicPolicy").values()
    deny = [st for st in policy["Properties"]["PolicyDocument"]["Statement"] if st["Effect"] == "Deny"]
    assert deny and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_notification_emails_subscribe_to_the_topic(default_synth, kms_synth):
    assert not default_synth.resources("AWS::SNS::Subscription")
    kms_synth.template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )


def _alarms(s: Synth) -> list[dict[str, Any]]:
    return [a["Properties"] for a in s.resources("AWS::CloudWatch::Alarm").values()]


def test_execution_alarms_publish_to_the_topic(default_synth):
    s = default_synth
    topic = _ref(s, s.stack.alerts.topic.topic_arn)
    state_machine = _ref(s, s.stack.workflow.state_machine.state_machine_arn)
    execution = {a["MetricName"]: a for a in _alarms(s) if a["Namespace"] == "AWS/States"}
    assert set(execution) == {"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"}
    for alarm in execution.values():
        assert alarm["Dimensions"] == [{"Name": "StateMachineArn", "Value": state_machine}]
        assert alarm["AlarmActions"] == [topic]
        assert alarm["Threshold"] == 1 and alarm["TreatMissingData"] == "notBreaching"


def test_each_function_has_an_errors_alarm_on_the_topic(default_synth):
    s = default_synth
    topic = _ref(s, s.stack.alerts.topic.topic_arn)
    errors = [a for a in _alarms(s) if a["Namespace"] == "AWS/Lambda"]
    assert {a["MetricName"] for a in errors} == {"Errors"}
    watched = {a["Dimensions"][0]["Value"]["Ref"] for a in errors}
    assert watched == {s.function_ids()[name] for name in HANDLERS}
    assert all(as_list(a["AlarmActions"]) == [topic] for a in errors)


def test_outputs_name_the_resources_an_operator_needs(default_synth):
    s = default_synth
    outputs = s.json["Outputs"]
    assert set(outputs) == {
        "InputBucketName",
        "OutputBucketName",
        "ArtifactsBucketName",
        "AccessLogsBucketName",
        "JobTableName",
        "StateMachineArn",
        "TopicArn",
        "GroundTruthRoleArn",
        "ChainsParameterName",
        "DashboardName",
    }
    assert outputs["StateMachineArn"]["Value"] == _ref(s, s.stack.workflow.state_machine.state_machine_arn)
    assert outputs["ChainsParameterName"]["Value"] == "/LabelChain/chains"
