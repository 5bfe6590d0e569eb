"""SES locally: the template's sender identities verified in moto, and what the functions sent, for
``GET /_local/mail`` (local only: there is no such route on AWS)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from local.gateway.events import HttpResponse
from local.gateway.intrinsics import ACCOUNT_ID, REGION

if TYPE_CHECKING:
    from local.gateway.resources import Provisioned, Provisioner, Stack

MAIL_PATH = "/_local/mail"


def provision_identity(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:  # noqa: ARG001
    """A sender identity, verified at once (on AWS, SES mails the address a link to click)."""
    from local.gateway.resources import Provisioned

    props = stack.resolver.resolve(resource.get("Properties") or {})
    identity = str(props["EmailIdentity"])
    client = stack.client("ses")
    if "@" in identity:
        client.verify_email_identity(EmailAddress=identity)
    else:
        client.verify_domain_identity(Domain=identity)
    return Provisioned(ref=identity, properties=props)


PROVISIONERS: dict[str, Provisioner] = {"AWS::SES::EmailIdentity": provision_identity}


def sent_mail() -> list[dict[str, Any]]:
    """Every e-mail the local SES accepted, oldest first (moto's server runs in this process)."""
    from moto.ses.models import ses_backends

    return [
        {
            "messageId": m.id,
            "from": m.source,
            "to": [a for addresses in m.destinations.values() for a in addresses],
            "subject": getattr(m, "subject", None),
            "body": getattr(m, "body", None),
        }
        for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
    ]


def mail_response() -> HttpResponse:
    body = json.dumps({"items": sent_mail()}, indent=2).encode()
    return HttpResponse(200, [("Content-Type", "application/json")], body)
