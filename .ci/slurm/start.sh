#!/usr/bin/env bash
# Starts a single-node Slurm cluster (munged + slurmctld + slurmd) on this machine, as root,
# without systemd, for the SlurmExecutor tests. Installs Debian's packages if missing; state, logs
# and PID files under $SLURM_CI_DIR (default /tmp/slurm-ci); .ci/slurm/stop.sh stops it by PID.
# On one node any directory is "shared" with the compute node, so tests may use any temp dir.
# Usage: .ci/slurm/start.sh             -> installs if needed, starts, waits until a job runs
# Env:   SLURM_CPUS (default 4: CPUs declared to Slurm, may exceed the real count)
#        SLURM_PROCTRACK (default: proctrack/cgroup when the cgroup-v1 freezer is mounted and writable,
#        as on this sandbox; else proctrack/linuxproc. cgroup also kills setsid'ed daemons of a job.)
set -euo pipefail
T0=$(date +%s%N)
D=${SLURM_CI_DIR:-/tmp/slurm-ci}
CPUS=${SLURM_CPUS:-4}
PROCTRACK=${SLURM_PROCTRACK:-auto}
if [ "$PROCTRACK" = auto ]; then
  PROCTRACK=proctrack/linuxproc
  if [ -d /sys/fs/cgroup/freezer ] && mkdir -p /sys/fs/cgroup/freezer/slurm_probe 2>/dev/null; then
    rmdir /sys/fs/cgroup/freezer/slurm_probe; PROCTRACK=proctrack/cgroup
  fi
fi
log() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '[slurm/start.sh %d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*"; }

PKGS="slurmctld slurmd slurm-client munge"
MISSING=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$MISSING" ]; then
  log "installing" $MISSING "(apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends $MISSING >/dev/null 2>&1 || apt-get install -y --no-install-recommends $MISSING
fi

NODE=$(hostname -s)
mkdir -p "$D"/{state,spool,log,run}
chown -R slurm:slurm "$D"/state "$D"/log
# --- munge -------------------------------------------------------------------------------
[ -s /etc/munge/munge.key ] || { mungekey --create --force; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for i in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi
log "munged up (pid $(cat /run/munge/munged.pid))"
# --- config ------------------------------------------------------------------------------
MEM=$(awk '/MemTotal/{print int($2/1024*0.9)}' /proc/meminfo)
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=${NODE}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=$PROCTRACK
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdParameters=config_overrides
# time limit: SIGTERM, then SIGKILL after KillWait seconds
KillWait=2
OverTimeLimit=0
InactiveLimit=0
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM} State=UNKNOWN
PartitionName=ci Nodes=${NODE} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
if [ "$PROCTRACK" = proctrack/cgroup ]; then
  printf 'CgroupPlugin=cgroup/v1\nCgroupMountpoint=/sys/fs/cgroup\nConstrainCores=no\nConstrainRAMSpace=no\n' > /etc/slurm/cgroup.conf
else
  rm -f /etc/slurm/cgroup.conf
fi
# --- daemons -----------------------------------------------------------------------------
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
pid_alive $D/run/slurmctld.pid || { rm -f $D/run/slurmctld.pid; /usr/sbin/slurmctld -i; }  # -i: ignore unreadable state
pid_alive $D/run/slurmd.pid    || { rm -f $D/run/slurmd.pid; /usr/sbin/slurmd -N "$NODE"; }
log "daemons forked ($PROCTRACK)"
# --- wait until ready: controller answers, node idle, and a real job step runs ------------
for i in $(seq 600); do
  if scontrol ping 2>/dev/null | grep -q UP && sinfo -h -n "$NODE" -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then break; fi
  [ "$i" = 600 ] && { echo "slurm not ready after 60 s"; tail -20 $D/log/slurmctld.log $D/log/slurmd.log; exit 1; }
  sleep 0.1
done
log "node $(sinfo -h -n "$NODE" -o %T)"
out=$(timeout 60 srun -N1 -n1 -t 1 /bin/echo slurm-ready)
[ "$out" = slurm-ready ] || { echo "test job failed: $out"; exit 1; }
log "ready: a test job ran; slurmctld pid $(cat $D/run/slurmctld.pid), slurmd pid $(cat $D/run/slurmd.pid), $(sinfo -h -o 'partition %P, %c CPUs')"
