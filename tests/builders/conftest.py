"""Fixtures for the request builders: one Advisor per session, example workloads and their request sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from advisor.builders import RequestSet, build_requests
from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation
from advisor.workload import Workload, load_workload

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "workloads").glob("*.yaml"))
EXAMPLE_NAMES = [p.stem for p in EXAMPLES]


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return Advisor(clock=lambda: dt.date(2026, 11, 24))


@pytest.fixture(scope="session")
def example(advisor: Advisor) -> Any:
    """example(name, **options) -> (recommendation, workload, request set)."""
    cache: dict[str, tuple[Recommendation, Workload]] = {}

    def get(name: str, **options: Any) -> tuple[Recommendation, Workload, RequestSet]:
        if name not in cache:
            workload = load_workload(EXAMPLES[EXAMPLE_NAMES.index(name)], advisor.knowledge)
            cache[name] = (advisor.recommend(workload), workload)
        rec, workload = cache[name]
        return rec, workload, build_requests(rec, workload, knowledge=advisor.knowledge, **options)

    return get


@pytest.fixture(scope="session")
def custom(advisor: Advisor) -> Any:
    """custom(workload fields, **options) -> (recommendation, workload, request set) for a Python workload."""

    def get(fields: dict[str, Any], **options: Any) -> tuple[Recommendation, Workload, RequestSet]:
        workload = Workload.model_validate(fields)
        rec = advisor.recommend(workload)
        return rec, workload, build_requests(rec, workload, knowledge=advisor.knowledge, **options)

    return get


#: Variants beyond the examples, so every branch of the builders is built, validated and sent to moto:
#: (name, workload fields, build options).
VARIANTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("grid-xgboost", {"name": "grid-xgb", "stages": ["tuning"], "tuning": {"strategy": "Grid"}}, {}),
    ("random-linear", {"name": "random-ll", "stages": ["training", "tuning"],
                       "model": {"algorithm": "linear_learner", "kind": "classical"},
                       "tuning": {"strategy": "Random", "max_jobs": 30, "max_parallel_jobs": 3}}, {}),
    ("hyperband-pytorch", {"name": "hb-torch", "stages": ["tuning"],
                           "model": {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 5},
                           "tuning": {"strategy": "Hyperband"}}, {}),
    ("knn-tuning", {"name": "knn", "stages": ["tuning"], "model": {"algorithm": "knn", "kind": "classical"}}, {}),
    ("batch-filters", {"name": "batch_filters", "stages": ["training", "batch_inference"]},
     {"input_filter": "$[1:]", "join_source": "Input", "output_filter": "$[0,-1]"}),
    ("notebook-extras", {"name": "nb.extras", "stages": ["notebook"], "data": {"sensitivity": "regulated"},
                         "team": {"shared_notebooks": True}},
     {"lifecycle_config": "nb-setup", "git_repo": "https://github.com/example/project.git"}),
    ("canary", {"name": "canary", "stages": ["realtime_inference"], "data": {"private_sources": True}},
     {"canary_percent": 20}),
    ("long-spot", {"name": "long-spot", "stages": ["training"], "training": {"max_hours": 672, "interruptible": True}},
     {}),
    ("spot-hour-no-checkpoints", {"name": "ll-spot", "stages": ["training", "tuning"],
                                  "model": {"algorithm": "linear_learner", "kind": "classical"},
                                  "training": {"max_hours": 0.75, "interruptible": True}}, {}),
    ("spot-refused-no-checkpoints", {"name": "ll-long", "stages": ["training"],
                                     "model": {"algorithm": "linear_learner", "kind": "classical"},
                                     "training": {"max_hours": 6, "interruptible": True}}, {}),
    ("xgboost-gpu-dask", {"name": "xgb-gpu", "stages": ["training", "tuning"], "priority": "time",
                          "data": {"size_gb": 500}, "training": {"max_hours": 10, "gpu": "required",
                                                                  "distributed": True}}, {}),
    ("batch-big-records", {"name": "big-records", "stages": ["batch_inference"],
                           "model": {"algorithm": "sklearn", "kind": "classical"},
                           "inference": {"payload_mb": 40, "seconds_per_request": 900},
                           "batch": {"records_per_run": 200, "max_hours": 24}}, {}),
    # several models behind one endpoint (decision realtime.hosting): each option's requests
    ("multi-model", {"name": "per-customer", "stages": ["training", "realtime_inference"],
                     "inference": {"models": 200, "hot_models": 20}}, {}),
    ("multi-container-direct", {"name": "frameworks", "stages": ["realtime_inference"],
                                "data": {"private_sources": True},
                                "inference": {"models": 3, "same_container": False}}, {"canary_percent": 20}),
    ("serial-pipeline", {"name": "pipeline", "stages": ["realtime_inference"],
                         "inference": {"models": 3, "serial": True}}, {}),
    ("llm-components", {"name": "llm-pool", "stages": ["realtime_inference"], "data": {"private_sources": True},
                        "model": {"algorithm": "vllm", "kind": "llm", "architecture": "llama-3.1-8b"},
                        "inference": {"models": 3}}, {"canary_percent": 10}),
    ("cpu-components", {"name": "steady-models", "stages": ["realtime_inference"],
                        "model": {"algorithm": "sklearn", "kind": "classical"},
                        "inference": {"models": 12, "cold_starts_ok": False}}, {}),
]
VARIANT_NAMES = [v[0] for v in VARIANTS]


def variant(custom: Any, name: str) -> tuple[Recommendation, Workload, RequestSet]:
    _, fields, options = VARIANTS[VARIANT_NAMES.index(name)]
    return custom(fields, **options)
