"""A throw-away single-node SLURM cluster for the tests: munge, slurmctld and slurmd.

Everything lives in one private folder (configuration, munge key and socket, spool,
state, logs, job completion file) and on free TCP ports, so it neither needs nor
disturbs a SLURM installation of the machine. The node offers fake GPUs of several
GRES types (``Gres=gpu:<type>:1``, each a symlink to ``/dev/null``: slurmd drops
GPUs without a device file), so jobs can ask for a GPU model with ``--gpus=<type>:1``
and SLURM hands them out as on a real GPU node.

``SlurmCluster(folder, gpu_types).start()`` starts the daemons and waits until the
node is idle; ``stop()`` cancels the jobs and ends the daemons it started. Clients
find the cluster through ``env`` (``SLURM_CONF``).
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

COMMANDS = ["slurmctld", "slurmd", "sbatch", "srun", "squeue", "scontrol", "munged", "mungekey"]


def missing_reason() -> str | None:
    """Why the cluster cannot start here (its commands are missing), or None. The test command
    installs them (``envs/system-packages.sh test``); the tests never install anything."""
    missing = [cmd for cmd in COMMANDS if shutil.which(cmd) is None]
    if missing:
        return (f"SLURM is not installed ({', '.join(missing)} missing); `make test` installs it "
                "with envs/system-packages.sh test")
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _total_memory_mb() -> int:
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("MemTotal not found in /proc/meminfo")


class SlurmCluster:
    """One controller and one compute node on this machine, with fake GPUs of ``gpu_types``."""

    def __init__(self, folder: Path, gpu_types: list[str], partition: str = "gpu"):
        self.folder = Path(folder)
        self.gpu_types = list(gpu_types)
        self.partition = partition
        self.node = socket.gethostname().split(".")[0]
        self.conf = self.folder / "slurm.conf"
        self.jobcomp = self.folder / "jobcomp.txt"
        self.logs = self.folder / "log"
        self._procs: dict[str, subprocess.Popen] = {}

    @property
    def env(self) -> dict[str, str]:
        """The environment for SLURM clients (sbatch, squeue, srun, ...) of this cluster."""
        path = f"{self.folder / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return {**os.environ, "SLURM_CONF": str(self.conf), "PATH": path}

    def _write_config(self) -> None:
        for sub in ("spool", "state", "log", "dev", "bin"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        # Snakemake's jobstep executor clears SLURM_* (SLURM_CONF too) before it calls srun
        # inside a job; a site has its slurm.conf at the default path, this cluster has it here.
        srun = self.folder / "bin" / "srun"
        srun.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec {shutil.which("srun")} "$@"\n',
                        encoding="utf-8")
        srun.chmod(0o755)
        self.folder.chmod(0o755)  # munged wants its socket's folder searchable by all
        gres_lines = ["AutoDetect=off"]
        for i, gpu_type in enumerate(self.gpu_types):
            device = self.folder / "dev" / f"gpu{i}"
            if not device.is_symlink():
                device.symlink_to("/dev/null")
            gres_lines.append(f"NodeName={self.node} Name=gpu Type={gpu_type} File={device}")
        (self.folder / "gres.conf").write_text("\n".join(gres_lines) + "\n", encoding="utf-8")
        gres = ",".join(f"gpu:{t}:1" for t in self.gpu_types)
        cpus = os.cpu_count() or 1
        memory = int(_total_memory_mb() * 0.9)
        f = self.folder
        self.conf.write_text(f"""\
ClusterName=gpusurvey-test
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
SlurmUser={getpass.getuser()}
SlurmdUser={getpass.getuser()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={f}/munge.sock
StateSaveLocation={f}/state
SlurmdSpoolDir={f}/spool
SlurmctldPidFile={f}/slurmctld.pid
SlurmdPidFile={f}/slurmd.pid
SlurmctldLogFile={self.logs}/slurmctld.log
SlurmdLogFile={self.logs}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={self.jobcomp}
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
MinJobAge=600
ReturnToService=2
MpiDefault=none
SchedulerType=sched/builtin
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} Gres={gres} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
""", encoding="utf-8")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.logs / f"{name}.stdout", "ab")  # the daemon holds its own copy
        self._procs[name] = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def start(self, timeout: float = 60) -> SlurmCluster:
        self._write_config()
        key = self.folder / "munge.key"
        if not key.exists():
            subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True, capture_output=True)
        key.chmod(0o600)
        f = self.folder
        try:
            self._spawn("munged", ["munged", "--foreground", "--force", f"--key-file={key}",
                                   f"--socket={f}/munge.sock", f"--pid-file={f}/munged.pid",
                                   f"--log-file={self.logs}/munged.log", f"--seed-file={f}/munged.seed"])
            self._wait(lambda: (f / "munge.sock").exists(), timeout, "munged's socket")
            self._spawn("slurmctld", ["slurmctld", "-D", "-f", str(self.conf)])
            self._wait(lambda: "UP" in self._run("scontrol", "ping").stdout, timeout, "slurmctld")
            self._spawn("slurmd", ["slurmd", "-D", "-N", self.node, "-f", str(self.conf)])
            self._wait(lambda: self.node_state() in {"idle", "mixed", "allocated"}, timeout,
                       f"node {self.node} to be idle")
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(argv), env=self.env, capture_output=True, text=True, timeout=30)

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self._procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode} while waiting for {what}:\n"
                                       + self.daemon_logs())
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}:\n" + self.daemon_logs())

    def node_state(self) -> str:
        out = self._run("sinfo", "--noheader", "--Node", "--format=%T").stdout.split()
        return out[0].rstrip("*~#") if out else ""

    def daemon_logs(self, lines: int = 30) -> str:
        parts = []
        for path in sorted(self.logs.glob("*")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def show_job(self, job_id: str) -> dict[str, str]:
        """``scontrol show job`` as a dict (jobs stay there for MinJobAge after they end)."""
        proc = self._run("scontrol", "show", "job", "--oneliner", str(job_id))
        if proc.returncode != 0:
            raise RuntimeError(f"scontrol show job {job_id}: {proc.stderr.strip()}")
        fields = {}
        for item in proc.stdout.split():
            key, sep, value = item.partition("=")
            if sep:
                fields[key] = value
        return fields

    def completed_jobs(self) -> dict[str, dict[str, str]]:
        """Finished jobs from the job completion log (jobcomp/filetxt), by job id."""
        jobs = {}
        if self.jobcomp.exists():
            for line in self.jobcomp.read_text(encoding="utf-8").splitlines():
                fields = dict(item.partition("=")[::2] for item in line.split() if "=" in item)
                if "JobId" in fields:
                    jobs[fields["JobId"]] = fields
        return jobs

    def stop(self) -> None:
        """Cancel every job, then end the daemons this object started (slurmd first)."""
        if "slurmctld" in self._procs and self._procs["slurmctld"].poll() is None:
            self._run("scancel", "--full", "--partition", self.partition)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self._procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
