#!/usr/bin/env bash
# Vendor axe-core (Deque's accessibility engine, MPL-2.0) into tests/vendor/axe-core/.
#
# For the tests only: tests/test_accessibility.py injects axe.min.js into each page through
# Playwright (not a network request), so the server never serves it and the test needs no network.
# Run this script only to change the pinned version (edit VERSION below, run it, look at the diff,
# run `pytest tests/test_accessibility.py`), then commit the result. It needs npm and node (for the
# registry and the integrity check) and tar.
#
#   scripts/vendor-axe.sh
#
# What it does (as scripts/vendor-yasgui.sh does for YASGUI):
#   1. asks the registry for the published dist.integrity of the exact pinned version;
#   2. `npm pack`s that version into a temporary folder and checks the tarball's SHA-512 against
#      the published value (npm checks it too; this makes the check explicit and recorded);
#   3. copies only the minified browser build (axe.min.js, byte for byte), the package's LICENSE
#      (MPL-2.0) and LICENSE-3RD-PARTY.txt (the MIT-licensed code bundled into axe.min.js), and
#      writes VERSION (package, version, integrity, file hashes, date).
set -euo pipefail

PACKAGE="axe-core"
VERSION="4.14.1"
FILES=(axe.min.js)
LICENCES=(LICENSE LICENSE-3RD-PARTY.txt)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/tests/vendor/axe-core"

NAME="vendor-axe"
# shellcheck source=scripts/lib/npm-verified.sh
source "$root/scripts/lib/npm-verified.sh"

field() {
    node -e '
const p = require(process.argv[1]);
process.stdout.write(String(p[process.argv[2]]));
' "$package_dir/package.json" "$1"
}

if [ "$(field name)" != "$PACKAGE" ] || [ "$(field version)" != "$VERSION" ]; then
    echo "vendor-axe: the tarball is $(field name)@$(field version), not $PACKAGE@$VERSION" >&2
    exit 1
fi
if [ "$(field license)" != "MPL-2.0" ]; then
    echo "vendor-axe: licence changed to $(field license); review it before vendoring" >&2
    exit 1
fi

rm -rf "$dest"
mkdir -p "$dest"
for file in "${FILES[@]}" "${LICENCES[@]}"; do
    [ -f "$package_dir/$file" ] || {
        echo "vendor-axe: $file is missing from the package" >&2
        exit 1
    }
    cp "$package_dir/$file" "$dest/$file"
done

{
    echo "package: $PACKAGE"
    echo "version: $VERSION"
    echo "integrity: $expected"
    echo "license: $(field license)"
    echo "homepage: $(field homepage)"
    echo "vendored: $(date -u +%Y-%m-%d)"
    echo "by: scripts/vendor-axe.sh (npm pack, integrity checked against the registry)"
    echo "used by: tests/test_accessibility.py only (injected by Playwright; never served)"
    for file in "${FILES[@]}"; do
        echo "sha256 $file: $(sha256_hex "$dest/$file")"
    done
} >"$dest/VERSION"

echo "vendor-axe: wrote $(cd "$root" && du -sh "$dest" | cut -f1) to ${dest#"$root"/}:"
(cd "$dest" && ls -l)
