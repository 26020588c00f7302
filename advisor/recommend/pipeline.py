"""A serial inference pipeline on a stage that runs one model at a time: an asynchronous endpoint or a transform
job. AWS runs an inference pipeline there as one model (async-inference.html: existing models with
AsyncInferenceConfig added; inference-pipeline-batch.html: batch transforms with inference pipelines), so the
stage keeps its own sizing (a queue, or records in a window) and each instance holds every container, which run in
order on it; the model is CreateModel.Containers with InferenceExecutionConfig.Mode Serial.

A real-time endpoint's pipeline is the realtime.hosting decision's (rules/decisions/hosting.yaml) and is sized
there (sizing.MultiContainerSizer); this wraps the other stages' sizers the same way for what an instance holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.knowledge.models import Knowledge
from advisor.recommend.sizing import Need, Sizer, Spec, models_held_need
from advisor.workload import Derived, Workload

PIPELINES_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/inference-pipelines.html"


class PipelineSizer:
    """One stage's sizer, holding every container of the pipeline on each instance (models_held_need, as a
    multi-container endpoint does: one model's need plus each further container with the same headroom), with the
    pipeline's CreateModel settings and a reason that says so; everything else is the stage's own sizer's."""

    def __init__(self, inner: Sizer, w: Workload, derived: Derived) -> None:
        self.inner, self.w, self.derived = inner, w, derived

    def __getattr__(self, name: str) -> Any:  # the stage's own strategy for all but what a pipeline changes
        return getattr(self.inner, name)

    def held(self) -> int:
        return self.w.inference.models

    def held_words(self) -> str:
        return f"all {self.held()} containers of the serial pipeline run on every instance"

    def holding(self, need: Need) -> Need:
        inner = getattr(self.inner, "holding", None)
        return models_held_need(inner(need) if inner else need, self.held(), self.held_words(),
                                self.derived.model_memory_gb, loads_on_demand=False)

    def need(self, accelerated: bool) -> Need:
        return self.inner.need(accelerated)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        return self.inner.fit(spec, need)

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        own = getattr(self.inner, "settings", None)
        return {**(own(spec, count) if own else {}), "InferenceExecutionConfig.Mode": "Serial",
                "Containers": self.held()}

    def count_reason(self, spec: Spec, count: int) -> str:
        n = self.held()
        return (f"{self.inner.count_reason(spec, count)}; a serial inference pipeline of {n} containers "
                f"(inference.serial: CreateModel.Containers with InferenceExecutionConfig.Mode Serial): each "
                f"request passes through the {n} in order on the same instance, so every instance runs all of "
                f"them, and seconds_per_request is the whole chain's (AWS: {PIPELINES_PAGE})")


def serial_pipeline(w: Workload, stage: str, knowledge: Knowledge, derived: Derived
                    ) -> Callable[[Sizer], Sizer] | None:
    """The wrapper for a stage that runs the workload's serial pipeline as one model (its option runs inference
    pipelines but does not serve several models: capabilities.serial_pipeline without several_models), else
    None."""
    if not (w.inference.serial and w.inference.models > 1):
        return None
    option = next((o for s, o in knowledge.inference_stages((stage,))), None)
    if option is None or not option.capabilities.serial_pipeline or option.capabilities.several_models:
        return None
    return lambda sizer: PipelineSizer(sizer, w, derived)
