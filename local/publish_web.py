"""Publish the web client (web/) to a deployed stack: ``make deploy`` runs it after ``sam deploy``.

    python -m local.publish_web --stack waiter-dev --region us-east-1 [--payments-key pk_live_...]

Reads the stack's outputs; a stack deployed without ``WebClient=true`` has no web bucket, and there is nothing to
publish. Otherwise: writes ``config.json`` from the outputs (the REST and WebSocket URLs; ``local`` false, so no
demo account is ever offered; the payment provider's publishable key when given), syncs web/ to the private bucket
with ``aws s3 sync --delete`` (index.html and config.json with ``Cache-Control: no-cache``, everything else cached
for an hour), then invalidates the distribution so CloudFront serves the new files at once.

The AWS CLI does the copying: its ``s3 sync`` compares sizes and times and uploads in parallel, which is what a
publish needs and no part of boto3 does by itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from local.gateway.web import WEB_ROOT, client_config

NO_CACHE = ("index.html", "config.json")


def stack_outputs(stack: str, region: str) -> dict[str, str]:
    import boto3

    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    return {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}


def cloud_config(outputs: dict[str, str], payments_key: str = "") -> dict[str, Any]:
    """The page's config.json for a deployed stack (web/js/config.js describes each field)."""
    return client_config(
        outputs["ApiUrl"],
        outputs.get("WebSocketUrl", ""),
        local=False,
        payments={"provider": "stripe", "publishableKey": payments_key} if payments_key else {"provider": "none"},
    )


def publish(outputs: dict[str, str], payments_key: str, region: str, aws: str) -> None:
    bucket, distribution = outputs["WebBucketName"], outputs["WebDistributionId"]
    with tempfile.TemporaryDirectory() as staging:
        site = Path(staging) / "web"
        shutil.copytree(WEB_ROOT, site)
        (site / "config.json").write_text(json.dumps(cloud_config(outputs, payments_key), indent=2), encoding="utf-8")
        excluded = [arg for name in NO_CACHE for arg in ("--exclude", name)]
        run([aws, "s3", "sync", str(site), f"s3://{bucket}/", "--delete", "--region", region,
             "--cache-control", "public, max-age=3600", *excluded])  # fmt: skip
        for name in NO_CACHE:
            run([aws, "s3", "cp", str(site / name), f"s3://{bucket}/{name}", "--region", region,
                 "--cache-control", "no-cache"])  # fmt: skip
    run([aws, "cloudfront", "create-invalidation", "--distribution-id", distribution, "--paths", "/*",
         "--caller-reference", f"waiter-web-{int(time.time())}"])  # fmt: skip
    print(f"published web/ to {outputs.get('WebClientUrl', bucket)}")


def run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)  # noqa: S603 - the AWS CLI with our arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.publish_web", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--payments-key", default="", help="the payment provider's publishable key (not a secret)")
    args = parser.parse_args(argv)
    outputs = stack_outputs(args.stack, args.region)
    if "WebBucketName" not in outputs:
        print(f"{args.stack} has no web client (deployed with WebClient=false): nothing to publish")
        return 0
    aws = shutil.which("aws")
    if aws is None:
        print("error: the AWS CLI (aws) is needed to publish web/ (aws s3 sync)", file=sys.stderr)
        return 1
    publish(outputs, args.payments_key, args.region, aws)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
