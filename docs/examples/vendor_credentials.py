"""Ask the Redshift credential vendor for a database login, signed with this process's AWS identity.

    python3 vendor_credentials.py [--target NAME] [--database NAME] [--duration SECONDS]

Prints the credential as JSON (it holds the password: keep it out of logs). Import it to connect
from Python: `connect_kwargs(get_credentials(endpoint, target="analytics"))` is what psycopg and
psycopg2 take. Needs boto3 (`pip install boto3`); the endpoint is REDSHIFT_CREDENTIALS_ENDPOINT
(the stack output CredentialsApiUrl), the identity is boto3's default credential chain.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest


class VendorError(Exception):
    """The vendor refused or failed: its status and stable error code (never a password)."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


def region_of(endpoint, session):
    """The API's region: from an execute-api host name, else the session's (a local vendor)."""
    match = re.search(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com", endpoint)
    return match.group(1) if match else session.region_name or os.environ.get("AWS_REGION")


def get_credentials(endpoint, target=None, database=None, duration_seconds=None, session=None):
    """POST /credentials, signed with SigV4 for the execute-api service: the vendor's answer."""
    session = session or boto3.Session()
    identity = session.get_credentials()
    if identity is None:
        raise RuntimeError("no AWS credentials found: configure boto3's default credential chain")
    fields = {"target": target, "database": database, "durationSeconds": duration_seconds}
    body = json.dumps({name: value for name, value in fields.items() if value is not None})
    signed = AWSRequest(
        method="POST", url=endpoint, data=body, headers={"content-type": "application/json"}
    )
    region = region_of(endpoint, session)
    SigV4Auth(identity.get_frozen_credentials(), "execute-api", region).add_auth(signed)
    request = urllib.request.Request(
        endpoint, data=body.encode(), headers=dict(signed.headers.items()), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        detail = json.load(error).get("error", {})
        raise VendorError(error.code, detail.get("code"), detail.get("message")) from None


def connect_kwargs(credential, sslrootcert=None):
    """Keyword arguments for psycopg.connect / psycopg2.connect, TLS verified against the host."""
    return {
        "host": credential["host"],
        "port": credential["port"],
        "dbname": credential["database"],
        "user": credential["dbUser"],
        "password": credential["dbPassword"],
        "sslmode": "verify-full",
        "sslrootcert": sslrootcert or os.environ.get("PGSSLROOTCERT", "system"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target")
    parser.add_argument("--database")
    parser.add_argument("--duration", type=int, dest="duration_seconds")
    options = parser.parse_args()
    endpoint = os.environ.get("REDSHIFT_CREDENTIALS_ENDPOINT")
    if not endpoint:
        sys.exit("set REDSHIFT_CREDENTIALS_ENDPOINT to the vendor's URL (stack output CredentialsApiUrl)")
    try:
        credential = get_credentials(endpoint, **vars(options))
    except (VendorError, RuntimeError) as error:
        sys.exit(f"redshift credential vendor: {error}")
    print(json.dumps(credential))


if __name__ == "__main__":
    main()
