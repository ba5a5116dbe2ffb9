"""Names for this machine, cheap enough for the Snakefile to call at parse time.

Uses ``nvidia-smi`` for the GPUs' names and UUIDs (one call, no torch import) and
``/proc/cpuinfo`` for the CPU.
"""

from __future__ import annotations

import functools
import platform
import re
import shutil
import subprocess


@functools.cache
def gpus() -> tuple[tuple[str, str], ...]:
    """(name, UUID) of each CUDA GPU as the driver reports them, from one ``nvidia-smi`` call;
    empty without a driver."""
    if shutil.which("nvidia-smi") is None:
        return ()
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,uuid", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    rows = [line.rsplit(",", 1) for line in out.splitlines() if line.strip()]
    return tuple((row[0].strip(), row[-1].strip()) for row in rows)


def gpu_name() -> str | None:
    """The first CUDA GPU's name, or None without one."""
    found = gpus()
    return found[0][0] if found else None


def gpu_uuids() -> tuple[str, ...]:
    """Every CUDA GPU's UUID (``GPU-5db66866-...``), unique to the card; empty without one."""
    return tuple(sorted(uuid for _, uuid in gpus()))


@functools.cache
def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or the platform's processor string."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown-cpu"


def slug(text: str) -> str:
    """Lower-case, dashes only: ``NVIDIA GeForce RTX 4090`` -> ``nvidia-geforce-rtx-4090``."""
    text = re.sub(r"\((r|tm)\)", "", text, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def machine_slug(gpu: str | None = None) -> str:
    """The results folder of this machine: its GPU's slug, or ``cpu-<model>`` without a GPU."""
    name = gpu or gpu_name()
    return slug(name) if name else "cpu-" + slug(cpu_model())


MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")
MULTICAST_BIT = 1 << 40
"""Set in a 48-bit node id that ``uuid.getnode`` drew at random rather than read."""


@functools.cache
def machine_id() -> str:
    """Eight hex digits that tell this machine from another with the same GPU: a hash of the
    operating system's machine id (``/etc/machine-id``), or of the host name and network address
    where there is none (a container's), and of the GPUs' UUIDs where there are GPUs (containers
    started from one image share their machine id, while each card's UUID is its own). Only the
    hash leaves the machine."""
    import hashlib
    import socket
    import uuid

    seed = ""
    for path in MACHINE_ID_FILES:
        try:
            with open(path, encoding="ascii") as fh:
                seed = fh.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if seed:
            break
    if not seed:
        node = uuid.getnode()
        # Without a readable network address uuid makes up a random one per process, marked by
        # the multicast bit (RFC 4122, 4.5): then the host name alone, or every process differs.
        address = "" if node & MULTICAST_BIT else f"/{node:012x}"
        seed = f"{socket.gethostname()}{address}"
    cards = gpu_uuids()
    if cards:
        seed += "/" + ",".join(cards)
    return hashlib.sha256(f"gpusurvey:{seed}".encode()).hexdigest()[:8]


def submit_folder(machine: str, ident: str) -> str:
    """The folder of ``data/measurements/`` that one machine's records go to:
    ``<machine>-<ident>`` (``nvidia-geforce-rtx-3060-1a2b3c4d``), so that two owners of one card
    never write the same path."""
    return f"{machine}-{slug(ident)}"
