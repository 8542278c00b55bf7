#!/usr/bin/env bash
# A single-node Slurm on localhost for the tests, from Debian's slurm-wlm and munge:
#   slurm-fixture.sh start DIR   -> a munge key, munged, a generated slurm.conf, slurmctld
#                                   and slurmd, all with their state, sockets, logs and pids
#                                   in DIR; prints SLURM_CONF=DIR/slurm.conf when the node is idle
#   slurm-fixture.sh stop DIR    -> stops exactly the daemons it started there, by pid
# Works in containers as root: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none.
set -euo pipefail
cmd=${1:?start|stop}
D=$(realpath -m "${2:?DIR}")

stop() {
  for p in slurmd slurmctld munged; do
    if [ -s "$D/$p.pid" ]; then
      pid=$(cat "$D/$p.pid")
      # Only our own daemon: the pid must still run that program.
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$p"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$D/$p.pid"
    fi
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: slurm-fixture.sh start|stop DIR" >&2; exit 2; }
for p in munged slurmctld slurmd sbatch squeue; do
  command -v "$p" >/dev/null || { echo "slurm-fixture: $p missing (Debian packages slurm-wlm, munge)" >&2; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm-fixture: needs root (slurmd runs jobs as their users)" >&2; exit 77; }

mkdir -p "$D/state" "$D/spool" "$D/munge"
chmod 700 "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$D/munge/munge.key"
munged --force --key-file="$D/munge/munge.key" --socket="$D/munge/munge.socket" \
  --pid-file="$D/munged.pid" --log-file="$D/munged.log" --seed-file="$D/munge/munged.seed"

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
# Free TCP ports for slurmctld and slurmd.
read -r p1 p2 < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
cat >"$D/slurm.conf" <<CONF
ClusterName=dwmtjtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$p1
SlurmdPort=$p2
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
# Schedule within a second or two (the defaults, 60 s and 30 s, are for real clusters).
SchedulerParameters=sched_interval=2,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
KillWait=15
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 150); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-fixture: the node did not become idle in 30 s; logs in $D" >&2
sinfo >&2 || true
tail -n 20 "$D/slurmctld.log" "$D/slurmd.log" >&2 || true
stop
exit 1
