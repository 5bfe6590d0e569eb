"""``python -m local.wsdl [--check]``: print the POS service's WSDL (waiter.adapters.soap.pos) to wsdl/pos.wsdl, or
with ``--check`` exit 1 when the committed copy differs from what the code serves (CI runs it in ``make test``)."""

from __future__ import annotations

import argparse
import sys

from local.template import ROOT

WSDL_PATH = ROOT / "wsdl" / "pos.wsdl"


def generated() -> bytes:
    if str(ROOT / "layers" / "common") not in sys.path:
        sys.path.insert(0, str(ROOT / "layers" / "common"))
    from waiter.adapters.soap.pos import POS_SERVICE
    from waiter.adapters.soap.wsdl import wsdl_document

    return wsdl_document(POS_SERVICE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.wsdl", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when wsdl/pos.wsdl differs from the code's")
    args = parser.parse_args(argv)
    document = generated()
    if args.check:
        if not WSDL_PATH.exists() or WSDL_PATH.read_bytes() != document:
            print(f"{WSDL_PATH.relative_to(ROOT)} is out of date: run `make wsdl`", file=sys.stderr)
            return 1
        return 0
    WSDL_PATH.parent.mkdir(exist_ok=True)
    WSDL_PATH.write_bytes(document)
    print(f"wrote {WSDL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
