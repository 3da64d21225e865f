# iscsi: Debian's tgt serves a file-backed LUN; open-iscsi logs into it over 127.0.0.1; the LUN's /dev/sdX is
# the --target-device, then --as-projects onto it.
set -u
start_udev
modprobe iscsi_tcp
truncate -s 400M /srv/lun0.img
tgtd; sleep 1
tgtadm --lld iscsi --op new --mode target --tid 1 -T iqn.2026-12.lab.qcb:lun0
tgtadm --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b /srv/lun0.img
tgtadm --lld iscsi --op bind --mode target --tid 1 -I ALL
echo "InitiatorName=iqn.2026-12.lab.qcb:initiator" > /etc/iscsi/initiatorname.iscsi
iscsid; sleep 1
iscsiadm -m discovery -t sendtargets -p 127.0.0.1 > "$OUT/discovery.txt" 2>&1
iscsiadm -m node -T iqn.2026-12.lab.qcb:lun0 -p 127.0.0.1 --login >> "$OUT/discovery.txt" 2>&1
udevadm settle
dev=""
for s in /sys/class/iscsi_session/session*/device/target*/*/block/*; do [ -e "$s" ] && dev=/dev/$(basename "$s"); done
say "iSCSI LUN: ${dev:-none}"
echo "$dev" > "$OUT/lun.txt"
cat /sys/block/$(basename "$dev")/queue/write_cache > "$OUT/write-cache.txt" 2>&1
run_tool bench --target-device "$dev" --i-know-this-overwrites "$dev" \
  --image-size 64M --image-data 8M --runs 2 --out "$RESULTS/bench"
img=$(image_path "$RESULTS/bench")
echo "$(strace_flushes "$img" "$dev" -n)" > "$OUT/strace-writethrough-lun.txt"
run_tool bench --as-projects --target-device "$dev" --i-know-this-overwrites "$dev" \
  --image-size 64M --image-data 8M --runs 1 --out "$RESULTS/projects"
iscsiadm -m node -T iqn.2026-12.lab.qcb:lun0 -p 127.0.0.1 --logout >/dev/null 2>&1
leftovers "$OUT/leftovers.txt"
