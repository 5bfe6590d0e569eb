"""The template's stateful resources inside moto, created from their definitions in template.yaml: beside the
table (``local.template.table_definition``), the Cognito user pool with its app client and groups, and the API's
usage plan. Functions then get the environment the template gives them, each reference standing for the moto
resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local.gateway.payments import API_KEY as LOCAL_API_KEY
from local.gateway.payments import WEBHOOK_SECRET as LOCAL_WEBHOOK_SECRET
from tests.contract.template_facts import (
    PLACEHOLDER,
    PSEUDO_PARAMETERS,
    api_auth,
    condition_values,
    function_environment,
    parameter_values,
    placeholder,
    resolve,
    template,
)
from waiter.accounts.cognito import cognito_client
from waiter.partners.usage_plans import apigateway_client
from waiter.payments.queue import sqs_client
from waiter.payments.secrets import secretsmanager_client
from waiter.repository.dynamo import dynamodb_client

# The parameters the sample events run with: the local stack's (`make dev`), which confirms sign-ups at once.
TEST_PARAMETERS = {"AutoConfirmSignUps": "true"}

USAGE_PLAN = "ApiUsagePlan"  # the logical id SAM gives the usage plan of the API "Api" (CreateUsagePlan: PER_API)
USER_POOL_RESOURCES = ("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup")

# CloudFormation property names that differ from the API's parameter names.
_USER_POOL_ARGUMENTS = {"UserPoolName": "PoolName"}


@dataclass(frozen=True)
class MotoStack:
    parameters: dict[str, str]
    conditions: dict[str, bool]
    refs: dict[str, str]  # what ${Name} / ${Name.Attr} stand for: parameters, pseudo parameters, moto resources

    def environment(self, logical_id: str) -> dict[str, str]:
        """The environment variables the function declares itself, resolved against this stack."""
        resolved = resolve(function_environment(logical_id), self.refs, self.conditions)
        return {str(name): str(value) for name, value in resolved.items()}

    @property
    def user_pool_id(self) -> str | None:
        return self.refs.get("UserPool")

    @property
    def usage_plan_id(self) -> str | None:
        return self.refs.get(USAGE_PLAN)


def _resources(kind: str, conditions: dict[str, bool]) -> dict[str, dict[str, Any]]:
    """The resources of ``kind`` the stack creates for ``conditions``."""
    return {
        name: resource
        for name, resource in template()["Resources"].items()
        if resource["Type"] == kind and conditions.get(resource.get("Condition", ""), True)
    }


def references(logical_id: str) -> set[str]:
    """The parameters and resources a function's own environment refers to (``UserPool``, ``ApiUsagePlan``...)."""
    return {match.split(".")[0] for value in function_environment(logical_id).values() for match in _names(value)}


def _names(value: Any) -> list[str]:
    return PLACEHOLDER.findall(placeholder(value)) if isinstance(value, dict) else []


def build(table_name: str, *, users: bool, usage_plan: bool, overrides: dict[str, str] | None = None) -> MotoStack:
    """The stack in the active moto mock, around its existing table: the user pool with its clients and groups
    (``users``) and the API's usage plan (``usage_plan``), created through the clients the functions use.
    (Only when asked: creating a moto user pool costs a tenth of a second, its signing key is loaded each time.)"""
    parameters = parameter_values({**TEST_PARAMETERS, **(overrides or {})})
    conditions = condition_values(parameters)
    refs = {**PSEUDO_PARAMETERS, **parameters, "AWS::StackName": "waiter-test"}
    table = dynamodb_client().describe_table(TableName=table_name)["Table"]
    refs |= {"Table": table_name, "Table.Arn": table["TableArn"]}
    if users:
        refs |= _user_pool(refs, conditions)
    if usage_plan:
        plan = resolve(api_auth()["UsagePlan"], refs, conditions)
        created = apigateway_client().create_usage_plan(
            name="waiter-test-partners",
            description=str(plan.get("Description", "")),
            throttle={
                "rateLimit": float(plan["Throttle"]["RateLimit"]),
                "burstLimit": int(plan["Throttle"]["BurstLimit"]),
            },
            quota={"limit": int(plan["Quota"]["Limit"]), "period": plan["Quota"]["Period"]},
        )
        refs[USAGE_PLAN] = created["id"]
    return MotoStack(parameters, conditions, refs)


def stack_for(logical_id: str, table_name: str, overrides: dict[str, str] | None = None) -> MotoStack:
    """The stack a function needs: the user pool, the usage plan, the payment secrets and the payment events' queue
    only if its environment names them."""
    names = references(logical_id)
    pool_resources = {n for n, r in template()["Resources"].items() if r["Type"] in USER_POOL_RESOURCES}
    stack = build(table_name, users=bool(names & pool_resources), usage_plan=USAGE_PLAN in names, overrides=overrides)
    stack.refs.update(_payment_resources(names))
    return stack


# The local payment provider's credentials (local/gateway/payments.py), as the local stack seeds them.
PAYMENT_SECRETS = {"PaymentsApiKeySecret": LOCAL_API_KEY, "PaymentsWebhookSecret": LOCAL_WEBHOOK_SECRET}


def _payment_resources(names: set[str]) -> dict[str, str]:
    """The payment secrets (holding the local provider's credentials) and queue the function's environment names."""
    created: dict[str, str] = {}
    for name, value in PAYMENT_SECRETS.items():
        if name in names:
            secret = secretsmanager_client().create_secret(Name=f"waiter-test-{name}", SecretString=value)
            created[name] = str(secret["ARN"])
    if "PaymentEventsQueue" in names:
        url = sqs_client().create_queue(QueueName="waiter-test-payment-events")["QueueUrl"]
        arn = sqs_client().get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        created |= {"PaymentEventsQueue": str(url), "PaymentEventsQueue.Arn": str(arn)}
    return created


def _user_pool(refs: dict[str, str], conditions: dict[str, bool]) -> dict[str, str]:
    cognito = cognito_client()
    created: dict[str, str] = {}
    [(pool_name, pool)] = _resources("AWS::Cognito::UserPool", conditions).items()
    props = resolve(pool["Properties"], refs, conditions)
    made = cognito.create_user_pool(**{_USER_POOL_ARGUMENTS.get(k, k): v for k, v in props.items()})["UserPool"]
    created |= {pool_name: made["Id"], f"{pool_name}.Arn": made["Arn"]}
    for name, client in _resources("AWS::Cognito::UserPoolClient", conditions).items():
        props = resolve(client["Properties"], refs | created, conditions)
        created[name] = cognito.create_user_pool_client(**props)["UserPoolClient"]["ClientId"]
    for group in _resources("AWS::Cognito::UserPoolGroup", conditions).values():
        cognito.create_group(**resolve(group["Properties"], refs | created, conditions))
    return created
