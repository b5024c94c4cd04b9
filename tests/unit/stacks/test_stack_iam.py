"""The IAM contract: explicit actions, conditioned PassRole, prefix-scoped labeling jobs, one role each."""

from __future__ import annotations

import pytest
from stack_synth import KMS_KEY_ARN, SHARED_BUCKET, actions_by_resource, all_statements, as_list, flatten

#: Actions that support no resource-level permissions, so "*" is their only possible resource.
STAR_ONLY_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}
LABELING_JOB_ACTIONS = {
    "sagemaker:CreateLabelingJob",
    "sagemaker:DescribeLabelingJob",
    "sagemaker:StopLabelingJob",
    "sagemaker:AddTags",
}


@pytest.fixture(params=["default", "kms"])
def any_synth(request, default_synth, kms_synth):
    return default_synth if request.param == "default" else kms_synth


def test_no_action_is_a_wildcard(any_synth):
    # GIVEN every identity-policy statement in the template
    for owner, statement in all_statements(any_synth.json):
        for action in as_list(statement["Action"]):
            # THEN no action is "*", "service:*" or a pattern such as "s3:Get*"
            assert "*" not in action, f"{owner}: {action}"


def test_star_resource_only_for_actions_without_resource_level_permissions(any_synth):
    for owner, statement in all_statements(any_synth.json):
        if "*" in as_list(statement["Resource"]):
            assert set(as_list(statement["Action"])) <= STAR_ONLY_ACTIONS, owner


def test_every_pass_role_is_limited_to_sagemaker(any_synth):
    # GIVEN the PassRole statements (start function, Ground Truth role on itself)
    pass_role = [(o, s) for o, s in all_statements(any_synth.json) if "iam:PassRole" in as_list(s["Action"])]
    assert len(pass_role) == 2
    for owner, statement in pass_role:
        # THEN each is conditioned on the receiving service and names one role
        assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
        assert as_list(statement["Resource"]) == [{"Fn::GetAtt": [_gt_role_id(any_synth), "Arn"]}], owner


def _gt_role_id(s):
    return s.stack.resolve(s.stack.ground_truth_role.role.role_arn)["Fn::GetAtt"][0]


def test_labeling_job_actions_are_scoped_to_the_job_name_prefix(any_synth):
    seen = set()
    for _owner, statement in all_statements(any_synth.json):
        actions = set(as_list(statement["Action"]))
        if actions & LABELING_JOB_ACTIONS:
            seen |= actions
            # THEN only labeling-job/lc-* ARNs (lower case, as SageMaker writes them)
            resources = [flatten(r) for r in as_list(statement["Resource"])]
            assert resources == ["arn:aws:sagemaker:us-east-1:<AWS::AccountId>:labeling-job/lc-*"]
        if "sagemaker:DescribeModel" in actions:
            assert [flatten(r) for r in as_list(statement["Resource"])] == [
                "arn:aws:sagemaker:us-east-1:<AWS::AccountId>:model/*"
            ]
    assert seen >= LABELING_JOB_ACTIONS


def test_ground_truth_role_is_trusted_by_sagemaker_only(default_synth):
    role = default_synth.json["Resources"][_gt_role_id(default_synth)]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in role


def test_ground_truth_role_reads_inputs_writes_jobs_prefix_and_logs_to_sagemaker_groups(default_synth):
    # GIVEN the Ground Truth role's statements
    s = default_synth
    granted = actions_by_resource(s.role_statements(_gt_role_id(s)))
    ids = {
        name: s.stack.resolve(getattr(s.stack.storage, f"{name}_bucket").bucket_arn)["Fn::GetAtt"][0]
        for name in ("input", "output", "artifacts")
    }
    # THEN it reads the input bucket and the artifact prefixes, writes only under the output's jobs/ prefix
    assert granted[f"<{ids['input']}.Arn>/*"] == {"s3:GetObject"}
    for prefix in ("manifests/", "label-categories/", "ui-templates/"):
        assert granted[f"<{ids['artifacts']}.Arn>/{prefix}*"] == {"s3:GetObject"}
    assert f"<{ids['artifacts']}.Arn>/*" not in granted
    assert granted[f"<{ids['output']}.Arn>/jobs/*"] == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
    }
    assert f"<{ids['output']}.Arn>/*" not in granted
    for bucket_id in ids.values():
        assert granted[f"<{bucket_id}.Arn>"] == {"s3:ListBucket", "s3:GetBucketLocation"}
    assert granted["*"] == {"cloudwatch:PutMetricData"}
    log_group = "arn:aws:logs:us-east-1:<AWS::AccountId>:log-group:/aws/sagemaker/*"
    assert "logs:PutLogEvents" in granted[log_group + ":log-stream:*"]
    # AND it has no KMS statement when no key is configured
    assert not any(a.startswith("kms:") for actions in granted.values() for a in actions)


def test_configured_kms_key_and_source_buckets_reach_the_ground_truth_role(kms_synth):
    granted = actions_by_resource(kms_synth.role_statements(_gt_role_id(kms_synth)))
    assert {"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:CreateGrant"} <= granted[KMS_KEY_ARN]
    assert granted[f"arn:aws:s3:::{SHARED_BUCKET}/*"] == {"s3:GetObject"}
    grant = [s for s in kms_synth.role_statements(_gt_role_id(kms_synth)) if s["Action"] == "kms:CreateGrant"]
    assert grant[0]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
