"""advisor.recommend.pipeline: a serial inference pipeline on an asynchronous endpoint or a transform job runs as
one model whose every container sits on each instance (AWS: inference-pipelines.html, inference-pipeline-batch.html,
async-inference.html), with CreateModel.Containers and InferenceExecutionConfig.Mode Serial in the requests."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.builders import build_requests
from advisor.recommend.advisor import Advisor
from advisor.workload import Workload

STAGES = {"async_inference": {"requests_per_second": 0.05, "seconds_per_request": 120, "payload_mb": 40,
                              "latency_ms_p99": 600_000},
          "batch_inference": {"payload_mb": 0.002, "seconds_per_request": 0.01}}


def _workload(stage: str, **inference: Any) -> Workload:
    return Workload.model_validate({"name": "p", "stages": [stage], "priority": "cost",
                                    "model": {"algorithm": "sklearn", "kind": "classical", "size_mb": 2000},
                                    "inference": {**STAGES[stage], **inference}})


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_container_of_the_chain_is_on_each_instance_and_in_the_model(advisor: Advisor, stage: str) -> None:
    one = advisor.recommend(_workload(stage)).instances[stage]
    w = _workload(stage, models=3, serial=True)
    rec = advisor.recommend(w)
    chain = rec.instances[stage]
    assert chain.settings["InferenceExecutionConfig.Mode"] == "Serial" and chain.settings["Containers"] == 3
    assert "Containers" not in one.settings
    assert any("3 models held at once" in r and "every container keeps its model loaded" in r
               for r in chain.reasons)
    assert not any("unloaded" in r for r in chain.reasons)  # nothing loads on demand in a pipeline
    assert any("serial inference pipeline of 3 containers" in r for r in chain.reasons)
    assert not any("serial inference pipeline" in r for r in one.reasons)
    model = build_requests(rec, w).requests["CreateModel"]
    assert "PrimaryContainer" not in model and len(model["Containers"]) == 3
    assert model["InferenceExecutionConfig"] == {"Mode": "Serial"}


def test_a_real_time_pipeline_is_the_hosting_decision_s_not_wrapped(advisor: Advisor) -> None:
    rec = advisor.recommend({"stages": ["realtime_inference"], "model": {"algorithm": "sklearn", "kind": "classical"},
                             "inference": {"models": 3, "serial": True}})
    reasons = rec.instances["realtime_inference"].reasons
    assert any("rh-serial" in r for r in reasons)
    assert not any("serial inference pipeline of 3 containers (inference.serial" in r for r in reasons)
