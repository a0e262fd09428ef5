#!/usr/bin/env bash
# Vendor the YASGUI browser bundle into src/natograph/static/vendor/yasgui/.
#
# The query page at / serves these files itself: the server never fetches anything, and the page
# works with the network cut. Run this script only to change the pinned version (edit VERSION
# below, run it, look at the diff, run `pytest tests/test_ui.py tests/test_browser.py`), then
# commit the result. It needs npm and node (for the registry and the integrity check) and tar.
#
#   scripts/vendor-yasgui.sh
#
# What it does:
#   1. asks the registry for the published dist.integrity of the exact pinned version;
#   2. `npm pack`s that version into a temporary folder and checks the tarball's SHA-512 against
#      the published value (npm checks it too; this makes the check explicit and recorded);
#   3. copies only the built browser bundle (build/yasgui.min.js and build/yasgui.min.css, byte
#      for byte) and a LICENSE, and writes VERSION (package, version, integrity, file hashes,
#      date).
set -euo pipefail

PACKAGE="@zazuko/yasgui"
VERSION="4.6.2"
FILES=(yasgui.min.js yasgui.min.css)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/src/natograph/static/vendor/yasgui"

NAME="vendor-yasgui"
# shellcheck source=scripts/lib/npm-verified.sh
source "$root/scripts/lib/npm-verified.sh"

meta="$(node -e '
const p = require(process.argv[1]);
const contributors = (p.contributors || []).map((c) => (typeof c === "string" ? c : c.name));
console.log(JSON.stringify({
  name: p.name,
  version: p.version,
  license: p.license,
  author: typeof p.author === "string" ? p.author : (p.author || {}).name,
  contributors,
  homepage: p.homepage,
  dependencies: Object.keys(p.dependencies || {}),
}));
' "$package_dir/package.json")"
field() { node -e 'const m = JSON.parse(process.argv[1]); const v = m[process.argv[2]]; console.log(Array.isArray(v) ? v.join(", ") : v);' "$meta" "$1"; }

if [ "$(field name)" != "$PACKAGE" ] || [ "$(field version)" != "$VERSION" ]; then
    echo "vendor-yasgui: the tarball is $(field name)@$(field version), not $PACKAGE@$VERSION" >&2
    exit 1
fi
if [ "$(field license)" != "MIT" ]; then
    echo "vendor-yasgui: licence changed to $(field license); review it before vendoring" >&2
    exit 1
fi

rm -rf "$dest"
mkdir -p "$dest"
for file in "${FILES[@]}"; do
    [ -f "$package_dir/build/$file" ] || {
        echo "vendor-yasgui: build/$file is missing from the package" >&2
        exit 1
    }
    cp "$package_dir/build/$file" "$dest/$file"
done

# The package ships no licence file, only `"license": "MIT"` in package.json; so the LICENSE
# written here is the MIT licence text with the holders named by the package's author and
# contributors fields.
for name in LICENSE LICENSE.md LICENSE.txt; do
    if [ -f "$package_dir/$name" ]; then
        cp "$package_dir/$name" "$dest/LICENSE"
    fi
done
if [ ! -f "$dest/LICENSE" ]; then
    cat >"$dest/LICENSE" <<EOF
$PACKAGE $VERSION is released under the MIT License (the "license" field of its
package.json; the npm package ships no licence file of its own, so its text is reproduced here).
YASGUI was written by $(field author); $PACKAGE is the fork maintained by
$(field contributors). Home page: $(field homepage)

The bundle (yasgui.min.js, yasgui.min.css) includes its dependencies, each under its own
licence:
$(field dependencies | fold -s -w 76 | sed 's/^/  /; s/ *$//')
and their own dependencies (CodeMirror, DataTables, jQuery, Font Awesome icons...).

MIT License

Copyright (c) $(field author) and $(field contributors)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

{
    echo "package: $PACKAGE"
    echo "version: $VERSION"
    echo "integrity: $expected"
    echo "license: $(field license)"
    echo "vendored: $(date -u +%Y-%m-%d)"
    echo "by: scripts/vendor-yasgui.sh (npm pack, integrity checked against the registry)"
    for file in "${FILES[@]}"; do
        echo "sha256 $file: $(sha256_hex "$dest/$file")"
    done
} >"$dest/VERSION"

echo "vendor-yasgui: wrote $(cd "$root" && du -sh "$dest" | cut -f1) to ${dest#"$root"/}:"
(cd "$dest" && ls -l)
