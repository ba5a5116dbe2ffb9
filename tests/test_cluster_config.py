"""config cluster.gpus: checked at parse time, one results folder per listed GPU."""

from __future__ import annotations

import pytest
from gpusurvey.cluster import ClusterGpu, cluster_gpus
from gpusurvey.errors import DataError


@pytest.fixture
def gpus_csv(root):
    return root / "data" / "gpus.csv"


def test_each_listed_gpu_gets_the_folder_of_its_label(gpus_csv):
    gpus = cluster_gpus([{"label": "RTX 4090", "gpu_model": "rtx_4090"},
                         {"label": "RTX 3090Ti", "partition": "ampere", "constraint": "3090ti"}], gpus_csv)
    assert list(gpus) == ["rtx-4090", "rtx-3090ti"]
    assert gpus["rtx-4090"] == ClusterGpu("RTX 4090", gpu_model="rtx_4090")
    assert gpus["rtx-3090ti"].resource("slurm_partition") == "ampere"
    assert gpus["rtx-3090ti"].resource("constraint") == "3090ti"
    assert gpus["rtx-3090ti"].resource("gpu_model") is None


def test_no_cluster_means_no_folders(gpus_csv):
    assert cluster_gpus([], gpus_csv) == {}


def test_unknown_gpu_is_named_with_its_key(gpus_csv):
    with pytest.raises(DataError, match=r"cluster\.gpus\[1\]\.label: unknown GPU 'RTX 9090'"):
        cluster_gpus([{"label": "RTX 4090"}, {"label": "RTX 9090"}], gpus_csv)


def test_a_gpu_listed_twice_under_two_names_is_an_error(gpus_csv):
    listed_twice = r"cluster\.gpus\[1\]\.label: 'NVIDIA GeForce RTX 4090' is listed twice"
    with pytest.raises(DataError, match=listed_twice):
        cluster_gpus([{"label": "RTX 4090"}, {"label": "NVIDIA GeForce RTX 4090"}], gpus_csv)
