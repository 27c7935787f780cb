#!/usr/bin/env bash
# schema.sh PLUGIN: print the schema that the provider binary PLUGIN serves, formatted by
# `pulumi package get-schema` (bin/pulumi, built by tools/bootstrap.sh).
#
# A private, throw-away PULUMI_HOME keeps the user's Pulumi installation out of it, and the
# plugin is named by an absolute path so that the CLI never mistakes it for a registry package.
#
#   go build -ldflags "-X github.com/cloudrun-psc/pulumi-cloudrun-psc/provider.Version=0.1.0" \
#       -o bin/pulumi-resource-cloudrun-psc ./provider/cmd/pulumi-resource-cloudrun-psc
#   provider/scripts/schema.sh bin/pulumi-resource-cloudrun-psc > schema.json
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 PLUGIN" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pulumi=$repo/bin/pulumi
[[ -x $pulumi ]] || { echo "schema.sh: $pulumi is missing; run tools/bootstrap.sh" >&2; exit 1; }
plugin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
  "$pulumi" package get-schema "$plugin"
