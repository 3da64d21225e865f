# Shared by the lab's scenario scripts inside the guest (sourced by /lab/guest.sh). POSIX sh.
TOOL=/opt/qemu-cache-bench/qemu-cache-bench
export QCB_CACHE_DIR=/root/.cache/qemu-cache-bench

say() { echo "LAB: $*"; }

# udev, which lvcreate needs to create /dev/VG/LV (without it: "not found: device not cleared").
start_udev() {
  /lib/systemd/systemd-udevd --daemon >/dev/null 2>&1
  udevadm trigger; udevadm settle --timeout=60
}

# The tool, as a user of the offline bundle runs it; its output on the console and in $OUT/tool.log.
# Each run's exit code is appended to $OUT/exit-codes.txt.
run_tool() {
  say "run: qemu-cache-bench $*"
  { "$TOOL" "$@" 2>&1; echo $? > /tmp/tool-rc; } | tee -a "$OUT/tool.log"
  say "exit $(cat /tmp/tool-rc): qemu-cache-bench $1"
  echo "$(cat /tmp/tool-rc) $*" >> "$OUT/exit-codes.txt"
}

# Writethrough's fdatasync + fsync count by strace for a conversion of $1 onto $2 (a file or a device, with -n).
strace_flushes() {
  src=$1; dst=$2; shift 2
  strace -f -qq -e trace=fsync,fdatasync -o /tmp/strace.out qemu-img convert -t writethrough -O raw "$@" "$src" "$dst"
  grep -cE '(fsync|fdatasync)\(' /tmp/strace.out
}

# What the tool could have left behind: its mounts, loop devices, device-mapper devices and iSCSI sessions.
leftovers() {
  {
    echo "mounts: $(grep -c qemu-cache-bench /proc/self/mountinfo)"
    echo "fuse mounts: $(grep -c ' fuse' /proc/self/mountinfo)"
    echo "loops: $(losetup -a | grep -c . )"
    echo "dm devices: $(ls /sys/block | grep -c '^dm-')"
    echo "iscsi sessions: $(iscsiadm -m session 2>/dev/null | grep -c .)"
    echo "power-cut-fs processes: $(pgrep -c power-cut-fs)"
    echo "qemu-img processes: $(pgrep -c qemu-img)"
  } > "$1"
}

# The built-in image the tool built (path from its results.json), read with the bundle's own node.
image_path() {
  /opt/qemu-cache-bench/runtime/node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).image.path)' "$1/results.json"
}
