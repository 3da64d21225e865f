#!/usr/bin/env bash
# Installs what qemu-cache-bench needs on a Debian/Ubuntu host, then its npm dependencies. Idempotent.
#   sudo bash scripts/setup.sh              # the bench: qemu-utils, strace, fio, the canvas build libraries, npm ci
#   sudo bash scripts/setup.sh --test-tools # also what the tests use: chromium (HTML report), ansible (fleet playbook),
#                                           qemu-system-x86 and debootstrap (the storage lab's guest, npm run lab)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(qemu-utils strace fio time util-linux mount build-essential pkg-config python3 libfuse3-dev
  libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev fonts-dejavu-core)
for arg in "$@"; do
  case "$arg" in
    --test-tools) packages+=(chromium ansible qemu-system-x86 debootstrap e2fsprogs) ;;
    *) echo "setup.sh: unknown option '$arg' (use --test-tools)" >&2; exit 2 ;;
  esac
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies as the invoking user (not root when run through sudo), so node_modules stays theirs.
# sudo resets the environment: the build settings below are handed over by name.
run_user() {
  if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
    sudo -u "$SUDO_USER" -H env $(env | grep -E '^(npm_config_nodedir|JOBS)=' || true) "$@"
  else "$@"; fi
}
# canvas is built by node-gyp, which downloads Node's headers from nodejs.org unless told where they are: point it at
# the headers installed with Node (Debian's and NodeSource's packages have them), so the build needs no internet.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ "$(run_user npm config get nodedir 2>/dev/null)" = undefined ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
# node-gyp runs make on one core unless told: canvas compiles on all of them (42.7 s -> 29.6 s for npm ci on 2 cores).
export JOBS="${JOBS:-max}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  run_user npm ci --no-audit --no-fund   # its prepare step compiles src/ to dist/
else
  run_user npm run --silent build        # dist/ follows src/ (the npm scripts run the compiled JavaScript)
fi
# The flush-delay interposer (LD_PRELOAD, scripts/flush-delay.c) and the power-cut file system for --durability-check
# (scripts/power-cut-fs.c, linked statically against libfuse3).
run_user npx tsx scripts/build-helpers.ts
echo "setup.sh: ready ($(qemu-img --version | head -n1))"
