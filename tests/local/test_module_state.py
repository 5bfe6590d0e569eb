"""Each function configuration has its own copy of the layer's modules, as each Lambda function has its own
process: what a layer caches at module level (settings read from the environment, clients) is not shared with a
function the template configures differently."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from local.gateway import serve_in_background
from local.gateway.runtime import ModuleNamespaces

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.13
    Handler: app.handler
    Layers: [!Ref SettingsLayer]
Resources:
  SettingsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layer/ }
  OneFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: one/
      Environment: { Variables: { WHO: one } }
      Events: { Api: { Type: Api, Properties: { Path: /one, Method: get } } }
  TwoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: two/
      Environment: { Variables: { WHO: two } }
      Events: { Api: { Type: Api, Properties: { Path: /two, Method: get } } }
  AlsoOneFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: also_one/
      Environment: { Variables: { WHO: one } }
      Events: { Api: { Type: Api, Properties: { Path: /also-one, Method: get } } }
"""

SETTINGS = """\
import functools
import os


@functools.cache
def who():
    return os.environ["WHO"]


def copy():
    return str(id(who))
"""

HANDLER = """\
import json

import cachedsettings


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"who": cachedsettings.who(), "copy": cachedsettings.copy()})}
"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("module-state")
    (root / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    (root / "layer").mkdir()
    (root / "layer" / "cachedsettings.py").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    for folder in ("one", "two", "also_one"):
        (root / folder).mkdir()
        (root / folder / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    url, stop = serve_in_background(template_path=root / "template.yaml", seed=False)
    yield url
    stop()


def test_functions_configured_differently_keep_their_own_cached_settings(app_url: str) -> None:
    with httpx.Client(base_url=app_url, timeout=15) as http:
        answers = [http.get(path).json() for path in ("/one", "/two", "/one", "/two", "/also-one")]

    assert [a["who"] for a in answers] == ["one", "two", "one", "two", "one"]
    assert answers[0]["copy"] == answers[2]["copy"] == answers[4]["copy"]  # the same configuration shares a copy
    assert answers[0]["copy"] != answers[1]["copy"]


def test_namespaces_swap_modules_and_give_the_process_its_own_back(tmp_path: Path) -> None:
    (tmp_path / "nsmod.py").write_text("import os\nVALUE = os.environ.get('NS_VALUE', 'outside')\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import nsmod  # type: ignore[import-not-found]

        namespaces = ModuleNamespaces([tmp_path])
        namespaces.activate("a")
        assert "nsmod" not in sys.modules
        import nsmod as in_a

        namespaces.activate("b")
        import nsmod as in_b

        namespaces.activate("a")
        import nsmod as in_a_again

        assert in_a is in_a_again
        assert in_a is not in_b
        namespaces.restore()
        assert sys.modules["nsmod"] is nsmod
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("nsmod", None)
