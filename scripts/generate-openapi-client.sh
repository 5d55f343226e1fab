#!/bin/sh
# Regenerates test/generated-client/twilio_proxy/: the JavaScript client openapi-generator makes
# from Twilio's OpenAPI description of Proxy v1, as a user of that generator would get it
# (`-g javascript`, defaults but for the project name), driven by test/e2e/generated-client.test.ts.
# One option works around the generator: `--type-mappings=AnyType=Object`, since the spec's
# `Participants` items are `{}`, which it types as a model AnyType it then never writes (the
# generated code would fail on `import AnyType from './AnyType'`; docs/generated-clients.md).
#
# Needs Java 11+ and the npm registry (nothing else from the network): the npm tarball of
# @openapitools/openapi-generator-cli 1.0.18-5.0.0-beta2 bundles the generator's jar (5.0.0-beta2),
# while newer versions of that package download the jar on first use.
#
# Usage: scripts/generate-openapi-client.sh [spec.json]   (default: test/spec/twilio_proxy_v1.json)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
spec=$(cd "$(dirname "${1:-$root/test/spec/twilio_proxy_v1.json}")" && pwd)/$(basename "${1:-twilio_proxy_v1.json}")
cli_version=1.0.18-5.0.0-beta2
target="$root/test/generated-client/twilio_proxy"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@openapitools/openapi-generator-cli@$cli_version" >/dev/null && tar xzf ./*.tgz)
java -jar "$work/package/bin/openapi-generator.jar" generate \
  -g javascript \
  -i "$spec" \
  -o "$work/out" \
  --additional-properties=projectName=twilio_proxy \
  --type-mappings=AnyType=Object \
  >"$work/generate.log" 2>&1 || { cat "$work/generate.log"; exit 1; }

# Only what runs: the sources and the package manifest (its README, docs/ and mocha stubs are
# regenerated with the rest and add nothing the test needs).
rm -rf "$target"
mkdir -p "$target"
cp -R "$work/out/src" "$work/out/package.json" "$target/"
cp "$work/out/.openapi-generator/VERSION" "$target/GENERATOR_VERSION"
echo "generated $target from $spec with openapi-generator $(cat "$target/GENERATOR_VERSION")"
