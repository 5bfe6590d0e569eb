"""Resolve CloudFormation intrinsic functions in template values against the local stand-ins of their resources.

Only what a function's environment or a resource's properties plausibly use is supported: ``Ref``, ``Fn::GetAtt``,
``Fn::Sub`` (with ``{{resolve:...}}`` dynamic references), ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::If``
and the condition functions. Anything else fails loudly rather than reaching a handler half-resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"

_NO_VALUE = object()  # AWS::NoValue: the surrounding key or list entry disappears
SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:([a-z-]+):(.+?)\}\}")


def pseudo_parameters(stack_name: str) -> dict[str, str]:
    """CloudFormation's pseudo parameters for a local stack."""
    return {
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{stack_name}/00000000-local",
    }


class UnresolvableError(ValueError):
    """A template value uses an intrinsic or a name the local resolver cannot give a value to."""


@dataclass(frozen=True)
class Resolver:
    """Evaluates intrinsics with the given parameter values and resource look-ups.

    ``parameters`` include the pseudo parameters (``AWS::Region``...); ``ref(logical_id)`` and
    ``get_att(logical_id, attribute)`` answer for resources; ``dynamic(service, key)`` answers a
    ``{{resolve:service:key}}`` reference.

    >>> r = Resolver({"Env": "dev"}, {}, lambda n: f"ref-{n}", lambda n, a: f"{n}.{a}", lambda s, k: "secret")
    >>> r.resolve({"Fn::Sub": "t-${Env}-${Table.Arn}-${!Literal}"})
    't-dev-Table.Arn-${Literal}'
    >>> r.resolve({"Fn::Sub": "{{resolve:secretsmanager:${Secret}:SecretString}}"})
    'secret'
    """

    parameters: Mapping[str, str]
    conditions: Mapping[str, Any]
    ref: Callable[[str], str]
    get_att: Callable[[str, str], str]
    dynamic: Callable[[str, str], str]

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic replaced by its local value."""
        resolved = self._resolve(value)
        return None if resolved is _NO_VALUE else resolved

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((name, argument),) = value.items()
                handler = _INTRINSICS.get(name)
                if handler is not None:
                    return handler(self, argument)
            items = {str(k): self._resolve(v) for k, v in value.items()}
            return {k: v for k, v in items.items() if v is not _NO_VALUE}
        if isinstance(value, list):
            return [v for v in (self._resolve(item) for item in value) if v is not _NO_VALUE]
        if isinstance(value, str):
            return self._dynamic_references(str(value))
        return value

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise UnresolvableError(f"unknown condition {name}")
        return bool(self._resolve(self.conditions[name]))

    # ---- the intrinsic functions ------------------------------------------------------------------------------

    def _ref(self, name: Any) -> Any:
        name = str(name)
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        return self.ref(name)

    def _get_att(self, argument: Any) -> str:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        return self.get_att(str(logical_id), str(self._resolve(attribute)))

    def _sub(self, argument: Any) -> str:
        template, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {str(k): str(self._resolve(v)) for k, v in variables.items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in values:
                return values[name]
            if "." in name and name not in self.parameters:
                return self._get_att(name)
            return str(self._ref(name))

        text = SUB_VARIABLE.sub(substitute, str(template)).replace("${!", "${")
        return self._dynamic_references(text)

    def _dynamic_references(self, text: str) -> str:
        if "{{resolve:" not in text:
            return text
        return _DYNAMIC_REFERENCE.sub(lambda m: self.dynamic(m.group(1), m.group(2)), text)

    def _join(self, argument: Any) -> str:
        delimiter, items = argument
        return str(delimiter).join(str(v) for v in self._resolve(items))

    def _select(self, argument: Any) -> Any:
        index, items = argument
        return self._resolve(items)[int(self._resolve(index))]

    def _split(self, argument: Any) -> list[str]:
        delimiter, text = argument
        return str(self._resolve(text)).split(str(delimiter))

    def _if(self, argument: Any) -> Any:
        name, when_true, when_false = argument
        return self._resolve(when_true if self.condition(str(name)) else when_false)

    def _equals(self, argument: Any) -> bool:
        left, right = (self._resolve(v) for v in argument)
        return bool(str(left) == str(right))

    def _not(self, argument: Any) -> bool:
        return not self._resolve(argument[0])

    def _and(self, argument: Any) -> bool:
        return all(self._resolve(v) for v in argument)

    def _or(self, argument: Any) -> bool:
        return any(self._resolve(v) for v in argument)

    def _condition(self, argument: Any) -> bool:
        return self.condition(str(argument))

    def _unsupported(self, argument: Any) -> Any:
        raise UnresolvableError(f"the local gateway cannot resolve {argument!r}")


_INTRINSICS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::If": Resolver._if,
    "Fn::Equals": Resolver._equals,
    "Fn::Not": Resolver._not,
    "Fn::And": Resolver._and,
    "Fn::Or": Resolver._or,
    "Condition": Resolver._condition,
    "Fn::ImportValue": Resolver._unsupported,
    "Fn::FindInMap": Resolver._unsupported,
}
