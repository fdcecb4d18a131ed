"""Translates template.yaml with SAM's own translator (the one CloudFormation runs for
AWS::Serverless-2016-10-31) and prints the CloudFormation it produces, as JSON. Local paths
(CodeUri, ContentUri, DefinitionUri) are replaced by S3 URIs, as `sam deploy` uploads them."""
import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
template, problems = decode(sys.argv[1] if len(sys.argv) > 1 else "template.yaml")
if problems:
    sys.exit(f"cannot read the template: {problems}")
for resource in template["Resources"].values():
    properties = resource.get("Properties", {})
    for key in ("CodeUri", "ContentUri", "DefinitionUri"):
        if isinstance(properties.get(key), str):
            properties[key] = "s3://bucket/key"


class NoManagedPolicies:
    def load(self):
        return {}


json.dump(transform(template, {"AWS::Region": "us-east-1"}, NoManagedPolicies()), sys.stdout, default=str)
