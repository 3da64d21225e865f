# nfs: knfsd in the guest exports four folders of its disk, two sync and two async; one of each is mounted over
# 127.0.0.1 as NFSv3, the others as NFSv4.2: four targets, one bench run (a matrix of --target-dir), the power-cut
# check (writeback and unsafe) on one of them, then --as-projects on two of them.
set -u
modprobe nfsd; mount -t nfsd nfsd /proc/fs/nfsd
mkdir -p /var/lib/nfs/rpc_pipefs
: > /etc/exports
fsid=100
for v in 3 42; do
  for e in sync async; do
    fsid=$((fsid + 1)); mkdir -p /srv/nfs/v$v-$e
    echo "/srv/nfs/v$v-$e 127.0.0.1(rw,$e,no_root_squash,no_subtree_check,fsid=$fsid)" >> /etc/exports
  done
done
rpcbind -w; rpc.statd --no-notify; exportfs -ra; rpc.nfsd 8; rpc.mountd
targets=""
for v in 3 4.2; do
  for e in sync async; do
    m=/mnt/nfs$(echo $v | tr -d .)-$e
    mkdir -p $m
    mount -t nfs -o vers=$v 127.0.0.1:/srv/nfs/v$(echo $v | tr -d .)-$e $m || say "mount of $e over NFSv$v failed"
    targets="$targets --target-dir $m"
  done
done
grep ' nfs' /proc/self/mountinfo > "$OUT/nfs-mounts.txt"
cp /var/lib/nfs/etab "$OUT/etab.txt"
run_tool bench $targets --image-size 64M --image-data 8M --runs 2 --out "$RESULTS/bench"
img=$(image_path "$RESULTS/bench")
echo "$(strace_flushes "$img" /mnt/nfs42-sync/strace.raw)" > "$OUT/strace-writethrough-nfs42-sync.txt"
rm -f /mnt/nfs42-sync/strace.raw
run_tool bench --target-dir /mnt/nfs3-sync --modes writeback,unsafe --image-size 64M --image-data 8M --runs 2 \
  --durability-check --out "$RESULTS/durability"
run_tool bench --as-projects --target-dir /mnt/nfs42-sync --target-dir /mnt/nfs3-async --image-size 64M \
  --image-data 8M --runs 1 --out "$RESULTS/projects"
leftovers "$OUT/leftovers.txt"
ls -A /mnt/nfs3-sync /mnt/nfs3-async /mnt/nfs42-sync /mnt/nfs42-async > "$OUT/targets-after.txt" 2>&1
