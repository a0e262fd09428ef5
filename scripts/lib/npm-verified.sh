# Sourced by scripts/vendor-*.sh (not run on its own): fetch $PACKAGE@$VERSION from the npm
# registry into a temporary folder, check the tarball's SHA-512 against the registry's published
# dist.integrity (npm checks it too; this makes the check explicit and recorded), and unpack it.
#
# Needs: PACKAGE, VERSION, and NAME (the calling script's name, for messages).
# Sets:  work (a temporary folder, removed on exit), expected (the integrity), tarball,
#        package_dir (the unpacked package); defines sha256_hex FILE.

for tool in npm node tar; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "$NAME: $tool is needed (apt-get install nodejs npm)" >&2
        exit 1
    }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "$NAME: looking up $PACKAGE@$VERSION"
expected="$(npm view "$PACKAGE@$VERSION" dist.integrity 2>/dev/null)"
case "$expected" in
    sha512-*) ;;
    *)
        echo "$NAME: no sha512 dist.integrity published for $PACKAGE@$VERSION" >&2
        exit 1
        ;;
esac

tarball="$(cd "$work" && npm pack "$PACKAGE@$VERSION" --silent 2>/dev/null | tail -n 1)"
actual="sha512-$(node -e '
const fs = require("fs");
const crypto = require("crypto");
process.stdout.write(crypto.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
' "$work/$tarball")"
if [ "$actual" != "$expected" ]; then
    echo "$NAME: integrity mismatch for $tarball" >&2
    echo "  registry: $expected" >&2
    echo "  tarball:  $actual" >&2
    exit 1
fi
echo "$NAME: $tarball matches the registry's integrity $expected"

mkdir -p "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked"
package_dir="$work/unpacked/package"

# The SHA-256 (hex) of a file, for the VERSION record of what was vendored.
sha256_hex() {
    node -e '
const fs = require("fs");
const crypto = require("crypto");
process.stdout.write(crypto.createHash("sha256").update(fs.readFileSync(process.argv[1])).digest("hex"));
' "$1"
}
