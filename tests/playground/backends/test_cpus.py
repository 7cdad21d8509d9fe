"""Usable CPUs: affinity and the cgroup quota, whichever is smaller."""
from playground.backends.cpus import affinity_cpus, quota_cpus, usable_cpus


def test_cgroup_v2_quota(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert quota_cpus(tmp_path) == 1.5
    assert usable_cpus(tmp_path) == 1


def test_cgroup_v2_without_quota(tmp_path):
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert quota_cpus(tmp_path) is None
    assert usable_cpus(tmp_path) == affinity_cpus()


def test_cgroup_v1_quota(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("400000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert quota_cpus(tmp_path) == 4.0
    assert usable_cpus(tmp_path) == min(4, affinity_cpus())


def test_a_tiny_quota_still_gives_one_cpu(tmp_path):
    (tmp_path / "cpu.max").write_text("10000 100000\n")
    assert usable_cpus(tmp_path) == 1


def test_no_cgroup_files_means_affinity(tmp_path):
    assert quota_cpus(tmp_path) is None and usable_cpus(tmp_path) == affinity_cpus() >= 1
