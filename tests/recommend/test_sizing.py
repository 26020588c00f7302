"""advisor.recommend.sizing: the figures of a type the catalogue works out once, and a stage's weighing."""

from __future__ import annotations

import math

from advisor import stages
from advisor.recommend import sizing
from advisor.recommend.advisor import Advisor
from advisor.workload import Derived, Workload


def test_a_spec_carries_the_figures_of_its_type(advisor: Advisor) -> None:
    catalogue = sizing.Catalogue.of(advisor.knowledge)
    specs = {s.name: s for family in ("g", "m") for s in catalogue.specs("hosting", [family])}
    gpu = specs["ml.g5.12xlarge"]  # 4 x A10G, 24 GiB each
    t = gpu.itype
    assert t.accelerator is not None
    assert (gpu.devices, gpu.units, gpu.workers) == (4, 4, 4 * sizing.SLOTS_PER_ACCELERATOR)
    assert gpu.accelerator_gib == t.accelerator.memory_gib and gpu.memory_gib == t.memory_gib
    assert gpu.device_speed == math.sqrt(gpu.tflops / 4 / sizing.REFERENCE_TFLOPS)
    cpu = specs["ml.m5.xlarge"]
    assert (cpu.devices, cpu.units, cpu.workers, cpu.accelerator_gib, cpu.device_speed) == (0, 4, 4, 0.0, 1.0)


def test_the_speedup_of_a_device_scales_with_its_peak_unless_the_workload_measured_it(advisor: Advisor) -> None:
    catalogue = sizing.Catalogue.of(advisor.knowledge)
    gpu = next(s for s in catalogue.specs("hosting", ["g"]) if s.name == "ml.g5.xlarge")
    cpu = next(s for s in catalogue.specs("hosting", ["m"]) if s.name == "ml.m5.xlarge")
    assumed = Workload.model_validate({"stages": ["realtime_inference"], "model": {"kind": "deep_learning"}})
    measured = assumed.model_copy(update={"inference": assumed.inference.model_copy(update={"accelerator_speedup": 3})})
    assert sizing.speedup(gpu, assumed) == sizing.DEFAULT_SPEEDUP["deep_learning"] * gpu.device_speed
    assert sizing.speedup(gpu, measured) == 3
    assert sizing.speedup(cpu, assumed) == sizing.speedup(cpu, measured) == 1.0


def test_only_the_busy_devices_count_and_the_winner_says_why(advisor: Advisor) -> None:
    w = Workload.model_validate({"stages": ["training"], "model": {"algorithm": "pytorch", "kind": "deep_learning",
                                                                   "parameters_millions": 100}})
    sizer = sizing.SIZERS["training"](stages.stage("training"), w, Derived.of(w, advisor.knowledge))
    weighing = sizing.Weighing.of(w, sizer, cap=100, prices=None, guidance=None, inference=False)
    catalogue = sizing.Catalogue.of(advisor.knowledge)
    eight = next(s for s in catalogue.specs("training", ["p"]) if s.devices == 8)
    one = next(s for s in catalogue.specs("training", ["g"]) if s.devices == 1)
    assert weighing.usable_devices(eight, 1) == 1  # a 100M-parameter model keeps one device busy
    assert weighing.busy_reason(eight, 1) == "1 of 8 devices busy (the model and data keep no more busy)"
    assert weighing.busy_reason(one, 1) == ""
    candidate = weighing.candidate(eight)
    assert candidate.fits and candidate.mostly_idle and candidate.usable == eight.tflops / 8
