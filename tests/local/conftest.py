"""Fixtures of the local-gateway tests: a throwaway SAM template with tiny functions (echo, raise, malformed
results, slow, reloadable) written into a temporary folder, and that template served by the gateway in-process.

The tiny functions use neither the layer nor AWS, so the in-process gateway shares nothing that matters with other
tests in the same worker; ``os.environ`` is given back when it stops.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from local.gateway import serve_in_background

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: test
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Runtime: python3.13
    MemorySize: 256
    Timeout: 5
    Environment:
      Variables:
        GREETING: !Sub "hello-${Stage}"
        TABLE_NAME: !Ref Table
        TABLE_ARN: !GetAtt Table.Arn
        SECRET: !Sub "{{resolve:secretsmanager:${Secret}:SecretString}}"
        MODE: !If [IsProd, strict, relaxed]
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: { PasswordLength: 24, ExcludePunctuation: true }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: PK, AttributeType: S }]
      KeySchema: [{ AttributeName: PK, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
      TimeToLiveSpecification: { AttributeName: expiresAt, Enabled: true }
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
      Cors:
        AllowOrigin: "'*'"
        AllowHeaders: "'Content-Type,X-Api-Key'"
        MaxAge: "'300'"
      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers: { Access-Control-Allow-Origin: "'*'" }
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo/
      Handler: app.handler
      MemorySize: 384
      Environment:
        Variables:
          OWN: echo-only
      Events:
        Word:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: "/echo/{word}"
            Method: get
        Post:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /echo
            Method: post
        Any:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /anything
            Method: any
        Files:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: "/files/{proxy+}"
            Method: get
  ReplyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reply/
      Handler: app.handler
      Events:
        Reply:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /reply/{kind}
            Method: get
  SlowFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: slow/
      Handler: app.handler
      Timeout: 1
      Events:
        Slow:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /slow
            Method: get
  TinyLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
  LayerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: uses_layer/
      Handler: app.handler
      Layers: [!Ref TinyLayer]
      Events:
        Layer:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /layer
            Method: get
  ReloadFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reload/
      Handler: app.handler
      Events:
        Version:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /version
            Method: get
"""

ECHO = """\
import json
import os

ENV_KEYS = ("GREETING", "TABLE_NAME", "TABLE_ARN", "SECRET", "MODE", "OWN", "AWS_ENDPOINT_URL",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_SAM_LOCAL", "EXTRA")


def handler(event, context):
    seen = {
        "event": event,
        "context": {
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "aws_request_id": context.aws_request_id,
            "log_group_name": context.log_group_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
        "env": {key: os.environ.get(key) for key in ENV_KEYS},
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(seen)}
"""

# /reply/<kind>: a handler failure or a particular (mal)formed proxy result, chosen by the path.
REPLY = """\
import base64

RESULTS = {
    "string-status": {"statusCode": "200", "body": "x"},
    "dict-body": {"statusCode": 200, "body": {"not": "a string"}},
    "not-a-dict": ["statusCode", 200],
    "no-status": {"body": "x"},
    "binary": {"statusCode": 200, "headers": {"Content-Type": "image/png"},
               "body": base64.b64encode(b"\\x89PNG\\r\\n").decode(), "isBase64Encoded": True},
    "headers": {"statusCode": 201, "headers": {"X-One": "single", "X-Both": "from-headers"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "X-Both": ["from-multi"]}, "body": ""},
}


def handler(event, context):
    kind = event["pathParameters"]["kind"]
    if kind == "raise":
        raise RuntimeError("the handler blew up")
    return RESULTS[kind]
"""

SLOW = """\
import time


def handler(event, context):
    time.sleep(2.5)
    return {"statusCode": 200, "body": "too late"}
"""

RELOAD = """\
def handler(event, context):
    return {"statusCode": 200, "body": "version one"}
"""


USES_LAYER = """\
import tinylib


def handler(event, context):
    return {"statusCode": 200, "body": tinylib.VALUE}
"""

TINYLIB = """\
VALUE = "layer one"
"""


@dataclass(frozen=True)
class TinyApp:
    """The throwaway template on disk."""

    root: Path

    @property
    def template(self) -> Path:
        return self.root / "template.yaml"

    def function_file(self, folder: str) -> Path:
        return self.root / folder / "app.py"

    @property
    def layer_file(self) -> Path:
        return self.root / "layer" / "tinylib" / "__init__.py"


def write_tiny_app(root: Path) -> TinyApp:
    root.mkdir(parents=True, exist_ok=True)
    (root / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    files = {
        "echo/app.py": ECHO,
        "reply/app.py": REPLY,
        "slow/app.py": SLOW,
        "reload/app.py": RELOAD,
        "uses_layer/app.py": USES_LAYER,
        "layer/tinylib/__init__.py": TINYLIB,
    }
    for name, code in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(code), encoding="utf-8")
    return TinyApp(root)


@pytest.fixture(scope="module")
def tiny_app(tmp_path_factory: pytest.TempPathFactory) -> TinyApp:
    return write_tiny_app(tmp_path_factory.mktemp("tiny-app"))


@pytest.fixture(scope="module")
def gateway_url(tiny_app: TinyApp) -> Iterator[str]:
    """The tiny template served in this process on a free port."""
    url, stop = serve_in_background(template_path=tiny_app.template, seed=False)
    yield url
    stop()


@pytest.fixture
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=15) as http:
        yield http
