"""The in-process Lambda runtime's parts: the environment gate, the code watch and the template's intrinsics."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import MappingProxyType

import pytest

from local.gateway.intrinsics import Resolver, UnresolvableError, pseudo_parameters
from local.gateway.runtime import CodeWatch, EnvironmentGate, Invocation

# ---- environment gate -----------------------------------------------------------------------------------------


def test_gate_puts_the_environment_in_force_and_restores_it_on_close() -> None:
    gate = EnvironmentGate()
    before = dict(os.environ)
    with gate.holding(MappingProxyType({"WAITER_GATE_TEST": "one", "PATH": "/nowhere"})):
        assert os.environ["WAITER_GATE_TEST"] == "one"
        assert os.environ["PATH"] == "/nowhere"

    gate.close()

    assert dict(os.environ) == before


def test_switching_environments_removes_variables_the_previous_one_set() -> None:
    gate = EnvironmentGate()
    with gate.holding(MappingProxyType({"WAITER_GATE_A": "a"})):
        pass
    with gate.holding(MappingProxyType({"WAITER_GATE_B": "b"})):
        assert "WAITER_GATE_A" not in os.environ
        assert os.environ["WAITER_GATE_B"] == "b"
    gate.close()

    assert "WAITER_GATE_B" not in os.environ


def test_invocations_with_one_environment_hold_the_gate_together() -> None:
    gate = EnvironmentGate()
    env = MappingProxyType({"WAITER_GATE_TEST": "shared"})
    first, second = Invocation("1"), Invocation("2")

    gate.enter(env, first)
    gate.enter(env, second)  # would block forever if the same environment were serialised

    assert first.holds_gate
    assert second.holds_gate
    gate.leave(first)
    gate.leave(second)
    gate.close()


def test_an_invocation_with_another_environment_waits_for_the_holders() -> None:
    gate = EnvironmentGate()
    one, two = MappingProxyType({"WAITER_GATE_TEST": "one"}), MappingProxyType({"WAITER_GATE_TEST": "two"})
    holder, waiter = Invocation("holder"), Invocation("waiter")
    seen: list[str] = []
    gate.enter(one, holder)

    def enter_other() -> None:
        gate.enter(two, waiter)
        seen.append(os.environ["WAITER_GATE_TEST"])
        gate.leave(waiter)

    thread = threading.Thread(target=enter_other)
    thread.start()
    time.sleep(0.1)
    assert seen == []  # still waiting: "one" is in force for the holder
    gate.leave(holder)
    thread.join(timeout=5)

    assert seen == ["two"]
    gate.close()


def test_abandoning_a_holder_lets_others_in_and_is_idempotent() -> None:
    gate = EnvironmentGate()
    one, two = MappingProxyType({"WAITER_GATE_TEST": "one"}), MappingProxyType({"WAITER_GATE_TEST": "two"})
    runaway = Invocation("runaway")
    gate.enter(one, runaway)

    gate.abandon(runaway)
    gate.leave(runaway)  # the runaway finishing later must not release anyone else's hold
    with gate.holding(two):
        assert os.environ["WAITER_GATE_TEST"] == "two"
    gate.close()


# ---- code watch -----------------------------------------------------------------------------------------------


def test_code_watch_reports_edited_added_and_removed_files(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    kept, removed = tmp_path / "pkg" / "kept.py", tmp_path / "gone.py"
    kept.write_text("a = 1\n")
    removed.write_text("b = 1\n")
    watch = CodeWatch(tmp_path, ".py")
    assert watch.changed() == set()

    kept.write_text("a = 22\n")
    removed.unlink()
    (tmp_path / "new.py").write_text("c = 1\n")
    (tmp_path / "notes.txt").write_text("ignored: not .py\n")

    assert watch.changed() == {str(kept), str(removed), str(tmp_path / "new.py")}
    assert watch.changed() == set()


def test_code_watch_ignores_bytecode_caches(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    watch = CodeWatch(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"\x00")

    assert watch.changed() == set()


# ---- intrinsics -----------------------------------------------------------------------------------------------


def resolver(**parameters: str) -> Resolver:
    return Resolver(
        parameters={**pseudo_parameters("waiter-local"), "Env": "dev", **parameters},
        conditions={"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        ref=lambda name: f"ref:{name}",
        get_att=lambda name, attribute: f"{name}.{attribute}",
        dynamic=lambda service, key: f"{service}<{key}>",
    )


def test_ref_gives_parameters_pseudo_parameters_and_resources() -> None:
    r = resolver()

    assert r.resolve({"Ref": "Env"}) == "dev"
    assert r.resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert r.resolve({"Ref": "Table"}) == "ref:Table"


def test_sub_substitutes_refs_attributes_variables_and_keeps_escapes() -> None:
    value = {"Fn::Sub": ["${Prefix}-${Env}-${Table.Arn}-${AWS::StackName}-${!Literal}", {"Prefix": "p"}]}

    assert resolver().resolve(value) == "p-dev-Table.Arn-waiter-local-${Literal}"


def test_dynamic_references_are_resolved_after_substitution() -> None:
    value = {"Fn::Sub": "{{resolve:secretsmanager:${Secret}:SecretString}}"}

    assert resolver().resolve(value) == "secretsmanager<ref:Secret:SecretString>"


def test_if_follows_the_condition_and_no_value_removes_the_entry() -> None:
    value = {"A": {"Fn::If": ["IsProd", "strict", "relaxed"]}, "B": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}}

    assert resolver().resolve(value) == {"A": "relaxed"}
    assert resolver(Env="prod").resolve(value) == {"A": "strict", "B": 1}


def test_join_select_and_split() -> None:
    r = resolver()

    assert r.resolve({"Fn::Join": ["/", ["a", {"Ref": "Env"}]]}) == "a/dev"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}) == "y"


def test_unsupported_intrinsics_fail_loudly() -> None:
    with pytest.raises(UnresolvableError):
        resolver().resolve({"Fn::ImportValue": "SharedVpc"})
