# The power-cut scenario's steps in the guest, sourced by each boot's /lab/guest.sh (POSIX sh). /dev/vdb is the data
# disk, a file the host holds on the power-cut file system: only what the guest flushed to it survives the cut, which
# kills qemu-system and that file system together. /dev/vdc (a lane's last boot only) is a plain disk.
SRC=/root/source.qcow2
DATA=/mnt/data

# The built-in image onto the guest's own disk (reading it over 9p would slow the conversions).
prepare_source() {
  cp /lab/images/*.qcow2 "$SRC"
}

# Case $2 was cut on file system $1; recover as a reboot would (ext4: fsck -p as the boot does, then the journal's
# replay on mount; XFS: the log's replay on mount) and compare the output with the source.
recover() {
  fs=$1; n=$2; log="$OUT/case-$n-recovery.txt"; verify="$OUT/case-$n-verify.json"
  mkdir -p "$DATA"; : > "$log"
  if [ "$fs" = ext4 ]; then fsck.ext4 -p /dev/vdb >> "$log" 2>&1; echo "fsck.ext4 -p: exit $?" >> "$log"; fi
  if ! mount -t "$fs" /dev/vdb "$DATA" >> "$log" 2>&1; then
    echo "mount: failed" >> "$log"; echo '{"output":"unreadable"}' > "$verify"; return
  fi
  dmesg | grep -E 'EXT4-fs|XFS' | tail -n 6 >> "$log"
  if [ -e "$DATA/out.raw" ]; then
    [ -e /tmp/reference.raw ] || qemu-img convert -t unsafe -f qcow2 -O raw "$SRC" /tmp/reference.raw
    qemu-img compare -q -f qcow2 -F raw "$SRC" "$DATA/out.raw"; compared=$?
    /lab/node /lab/count-diff.mjs "$DATA/out.raw" /tmp/reference.raw "$compared" > "$verify"
  else
    echo '{"output":"missing"}' > "$verify"
  fi
  ls -l "$DATA" >> "$log"
  umount "$DATA"
}

# Case $3: a fresh file system $1 on the data disk, flushed; then one conversion under mode $2, told on the console
# the moment it starts and returns; the host cuts the power at one of those moments or between them.
convert_case() {
  fs=$1; mode=$2; n=$3
  mkdir -p "$DATA"
  if [ "$fs" = ext4 ]; then mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/vdb
  else mkfs.xfs -q -f /dev/vdb; fi
  mount -t "$fs" /dev/vdb "$DATA" && sync
  say "convert start $n"
  qemu-img convert -t "$mode" -f qcow2 -O raw "$SRC" "$DATA/out.raw"
  say "convert returned $n $?"
  sleep 900
}

# The same modes through the tool's --durability-check in this guest on file system $1, made on /dev/vdc.
simulate() {
  fs=$1
  tar xzf /lab/bundle.tar.gz -C /opt
  modprobe fuse; modprobe loop
  mkdir -p "$QCB_CACHE_DIR/images" && cp /lab/images/* "$QCB_CACHE_DIR/images/"
  if [ "$fs" = ext4 ]; then mkfs.ext4 -q -F /dev/vdc; else mkfs.xfs -q -f /dev/vdc; fi
  mkdir -p /mnt/simulated; mount -t "$fs" /dev/vdc /mnt/simulated
  RESULTS=/root/results; mkdir -p "$RESULTS"
  run_tool bench --target-dir /mnt/simulated --image-size 64M --image-data 8M --runs 1 --durability-check \
    --out "$RESULTS/simulated"
  cp -a "$RESULTS"/. "$OUT/"
  leftovers "$OUT/leftovers.txt"
}
