"""E-mail (Amazon SES): the only code that sends mail. The sender is a verified SES identity (template parameter
``SenderEmail``); the functions that send may use that identity only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@cache
def ses_client() -> Any:
    from waiter.aws import client  # noqa: PLC0415 - deferred: importing a handler costs no AWS set-up

    return client("ses")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


@dataclass
class Mailer:
    sender: str
    client: Any = None

    def send(self, mail: Mail) -> str:
        """Send ``mail`` as plain text from the sender; SES's message id."""
        client = self.client or ses_client()
        answer = client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [mail.to]},
            Message={
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"}},
            },
        )
        return str(answer["MessageId"])
