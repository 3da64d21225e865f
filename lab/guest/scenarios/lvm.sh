# lvm: a volume group on the guest's second disk (/dev/vdb); a thick LV and a thin LV (in a thin pool) as
# --target-device, then --as-projects onto the thick LV.
set -u
start_udev
pvcreate -q /dev/vdb && vgcreate -q vg0 /dev/vdb
lvcreate -q -y -n thick -L 300M vg0
lvcreate -q -y --type thin-pool -n pool -L 600M vg0
lvcreate -q -y -n thin -V 300M --thinpool vg0/pool
udevadm settle
lvs -a -o vg_name,lv_name,segtype,pool_lv,lv_size,lv_dm_path --reportformat json > "$OUT/lvs.json" 2>&1
ls -l /dev/mapper > "$OUT/dm.txt"
run_tool bench --target-device /dev/vg0/thick --i-know-this-overwrites /dev/vg0/thick \
  --target-device /dev/vg0/thin --i-know-this-overwrites /dev/vg0/thin \
  --image-size 64M --image-data 8M --runs 2 --out "$RESULTS/bench"
img=$(image_path "$RESULTS/bench")
echo "$(strace_flushes "$img" /dev/vg0/thick -n)" > "$OUT/strace-writethrough-thick.txt"
run_tool bench --as-projects --target-device /dev/vg0/thick --i-know-this-overwrites /dev/vg0/thick \
  --image-size 64M --image-data 8M --runs 1 --out "$RESULTS/projects"
lvs --noheadings -o lv_name vg0 > "$OUT/lvs-after.txt"
leftovers "$OUT/leftovers.txt"
