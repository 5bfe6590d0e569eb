"""The hardening template.yaml promises, held in place: what the other contract tests and the code rely on
(environment variable names, stage named after the environment) and what operations rely on (log retention,
encryption, recovery, deletion protection in prod)."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from local.template import ROOT, resources_of_type
from tests.contract.template_facts import EVENT_SOURCE_TYPES, functions, get_att, template

FUNCTIONS = sorted(functions())


def _resource(logical_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = template()["Resources"][logical_id]
    return resource


def _props(logical_id: str) -> dict[str, Any]:
    props: dict[str, Any] = _resource(logical_id)["Properties"]
    return props


# ---- functions and layer -------------------------------------------------------------------------------------


def test_functions_run_python_313_on_arm64_with_tracing_and_explicit_limits() -> None:
    globals_function = template()["Globals"]["Function"]
    assert globals_function["Runtime"] == "python3.13"
    assert globals_function["Architectures"] == ["arm64"]
    assert globals_function["Tracing"] == "Active"
    assert globals_function["MemorySize"] > 0
    assert globals_function["Timeout"] <= 29, "API Gateway gives up after 29 s"
    assert globals_function["Layers"] == [{"Ref": "CommonLayer"}]


def test_functions_receive_the_table_name_and_cursor_secret_from_the_stack() -> None:
    variables = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "Table"}
    assert variables["CURSOR_SECRET"] == {"Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"}
    assert variables["ENVIRONMENT"] == {"Ref": "Environment"}


def test_layer_is_built_from_layers_common_for_python_313_on_arm64_with_its_bytecode() -> None:
    layer = _resource("CommonLayer")
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "layers/common/"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    # the build that replaces SAM's python builder installs the same wheels and compiles them (`make build` then
    # checks the output itself: local/build_check.py)
    recipe = (ROOT / "layers" / "common" / "Makefile").read_text()
    assert "build-CommonLayer:" in recipe
    assert "--platform manylinux2014_aarch64 --implementation cp --python-version 3.13 --only-binary=:all:" in recipe
    assert "compileall" in recipe
    assert "--invalidation-mode unchecked-hash" in recipe


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_every_function_logs_to_its_own_encrypted_log_group_with_a_retention(logical_id: str) -> None:
    groups = [
        props
        for props in (r.get("Properties", {}) for r in resources_of_type("AWS::Logs::LogGroup").values())
        if props.get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"}
    ]
    assert len(groups) == 1, f"one AWS::Logs::LogGroup named /aws/lambda/${{{logical_id}}}"
    assert groups[0]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert get_att(groups[0]["KmsKeyId"]) == "LogsKey"


# ---- API ------------------------------------------------------------------------------------------------------


def test_api_stage_is_named_after_the_environment_and_traced_throttled_and_access_logged() -> None:
    api = _props("Api")
    assert api["StageName"] == {"Ref": "Environment"}
    assert api["TracingEnabled"] is True
    default = next(s for s in api["MethodSettings"] if s["ResourcePath"] == "/*" and s["HttpMethod"] == "*")
    assert default["ThrottlingRateLimit"] > 0
    assert default["ThrottlingBurstLimit"] > 0
    assert get_att(api["AccessLogSetting"]["DestinationArn"]) == "ApiAccessLogs"
    assert _props("ApiAccessLogs")["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert "Cors" in api


def test_every_function_route_is_on_the_one_rest_api() -> None:
    # the event-driven functions (stream, queues, schedules) have no routes: tests/contract/test_event_sources.py
    for logical_id in FUNCTIONS:
        for event in (functions()[logical_id]["Properties"].get("Events") or {}).values():
            if event["Type"] in EVENT_SOURCE_TYPES:
                continue
            assert event["Type"] == "Api"
            assert event["Properties"]["RestApiId"] == {"Ref": "Api"}


def test_stack_outputs_the_api_url_of_the_environment_stage() -> None:
    url = template()["Outputs"]["ApiUrl"]["Value"]
    assert url == {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Environment}"}


def test_environment_parameter_allows_dev_and_prod() -> None:
    assert template()["Parameters"]["Environment"]["AllowedValues"] == ["dev", "prod"]


# ---- table and keys -------------------------------------------------------------------------------------------


def test_table_is_on_demand_recoverable_streamed_and_expires_items() -> None:
    table = _props("Table")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"PK": "HASH", "SK": "RANGE"}


def test_table_has_the_four_indexes_the_repositories_query_keyed_by_their_partitions_and_one_shared_sort_key() -> None:
    table = _props("Table")
    indexes = table["GlobalSecondaryIndexes"]
    # GSI4 (PLACED orders, for the kitchen timeout) joined the three of the API
    assert [g["IndexName"] for g in indexes] == ["GSI1", "GSI2", "GSI3", "GSI4"]
    for index in indexes:
        name = index["IndexName"]
        # orders, the only items in GSI2-GSI4, sort by GSI1SK in all of them (stored once per order)
        assert {k["AttributeName"]: k["KeyType"] for k in index["KeySchema"]} == {
            f"{name}PK": "HASH",
            "GSI1SK": "RANGE",
        }
        assert index["Projection"] == {"ProjectionType": "ALL"}, "the repositories read whole items from indexes"
    keys = {k["AttributeName"] for k in table["KeySchema"]} | {
        k["AttributeName"] for g in indexes for k in g["KeySchema"]
    }
    assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == dict.fromkeys(keys, "S")


def test_table_is_encrypted_with_its_own_rotated_key_that_outlives_the_stack_like_the_table() -> None:
    sse = _props("Table")["SSESpecification"]
    assert sse == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": "TableKey"}}
    key = _resource("TableKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert _resource("Table")["DeletionPolicy"] == "Retain"
    assert key["DeletionPolicy"] == "Retain", "a deleted key would make the retained table unreadable"


def test_table_deletion_protection_is_on_in_prod() -> None:
    assert template()["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}
    assert _props("Table")["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}


@pytest.mark.parametrize("logical_id", sorted(resources_of_type("AWS::KMS::Key")))
def test_every_key_rotates_and_its_policy_lets_the_account_administer_it(logical_id: str) -> None:
    props = _props(logical_id)
    assert props["EnableKeyRotation"] is True
    admins = [s for s in props["KeyPolicy"]["Statement"] if s.get("Sid") == "AccountAdministers"]
    account = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    assert [s["Principal"] for s in admins] == [account]
    others = [s for s in props["KeyPolicy"]["Statement"] if s.get("Sid") != "AccountAdministers"]
    assert all("Service" in s["Principal"] for s in others), "only AWS services besides the account"


def test_cursor_secret_is_generated_and_encrypted_with_the_config_key() -> None:
    secret = _props("CursorSecret")
    assert secret["KmsKeyId"] == {"Ref": "ConfigKey"}
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32


# ---- deployment settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "confirm"), [("dev", False), ("prod", True)])
def test_samconfig_deploys_each_environment_to_its_own_stack(env: str, confirm: bool) -> None:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = config[env]["deploy"]["parameters"]
    assert deploy["stack_name"] == f"waiter-{env}"
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["resolve_s3"] is True
    assert deploy["parameter_overrides"] == f"Environment={env}"
    assert deploy["confirm_changeset"] is confirm
    assert deploy["region"] == "us-east-1"


# ---- checkov ---------------------------------------------------------------------------------------------------


def test_every_checkov_skip_carries_its_reason_and_is_listed_in_the_deploy_docs() -> None:
    skips = {
        (logical_id, str(skip.get("id")), str(skip.get("comment") or "").strip())
        for logical_id, resource in template()["Resources"].items()
        for skip in ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip") or []
    }
    assert skips, "template.yaml suppresses no checkov finding: drop this test or the docs' table"
    assert [(r, c) for r, c, reason in skips if len(reason) < 20] == [], "a checkov skip needs a written reason"
    documented = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert sorted({c for _, c, _ in skips if c not in documented}) == [], "list every skipped check in docs/deploy.md"
