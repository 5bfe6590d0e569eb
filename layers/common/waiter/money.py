"""Money as Waiter writes it: an integer amount in minor units, with the ISO 4217 currency stated on the object
that owns the amount (Stripe's convention). This module holds the currencies Waiter prices in, their minor-unit
exponents and the one way a message says an amount to a person (``format_money``)."""

from __future__ import annotations

from typing import Literal, get_args

# ISO 4217 codes Waiter prices in. Amounts are integer minor units of these (cents, pence, øre; yen have none).
CurrencyCode = Literal["EUR", "GBP", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD", "AUD", "JPY"]
CURRENCIES: frozenset[str] = frozenset(get_args(CurrencyCode))

# Digits after the decimal point (ISO 4217's minor unit); every currency above not listed here has 2.
_EXPONENTS: dict[str, int] = {"JPY": 0}


def exponent(currency: str) -> int:
    """How many minor-unit digits ``currency`` has.

    >>> exponent("EUR"), exponent("JPY")
    (2, 0)
    """
    return _EXPONENTS.get(currency, 2)


def format_money(amount: int, currency: str) -> str:
    """``amount`` minor units of ``currency`` as a person reads it: the major units with the currency's own
    number of decimals, then the code. Integers only, so no float ever touches the amount.

    >>> format_money(1200, "EUR"), format_money(5, "GBP"), format_money(1500, "JPY"), format_money(-250, "USD")
    ('12.00 EUR', '0.05 GBP', '1500 JPY', '-2.50 USD')
    """
    digits = exponent(currency)
    sign, value = ("-" if amount < 0 else ""), abs(amount)
    if digits == 0:
        return f"{sign}{value} {currency}"
    major, minor = divmod(value, 10**digits)
    return f"{sign}{major}.{minor:0{digits}d} {currency}"
