"""sagemaker-advisor: SageMaker exam prep and an offline advisor that explains itself.

    from advisor import Advisor, Workload
    rec = Advisor().recommend(Workload(stages=["training"], data={"size_gb": 40}))
    print(rec.instances["training"].instance_type, rec.to_json())

Names load lazily, so `import advisor` stays cheap and never pulls in textual or boto3.
"""

from __future__ import annotations

from advisor.__about__ import __version__

# Not typing's: `import advisor` runs before the `advisor` command can catch a Ctrl+C (advisor/__main__.py), and
# typing is its slowest import; type checkers read a module's own TYPE_CHECKING = False as typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from advisor.errors import (
        AdvisorError,
        KnowledgeError,
        PricingError,
        Problem,
        QuizError,
        StoreError,
        UsageError,
        WorkloadError,
    )
    from advisor.knowledge.loader import load_knowledge
    from advisor.knowledge.models import Knowledge
    from advisor.recommend.advisor import Advisor
    from advisor.recommend.models import Recommendation
    from advisor.workload import Workload, load_workload

__all__ = [
    "Advisor",
    "AdvisorError",
    "Knowledge",
    "KnowledgeError",
    "PricingError",
    "Problem",
    "QuizError",
    "Recommendation",
    "StoreError",
    "UsageError",
    "Workload",
    "WorkloadError",
    "__version__",
    "load_knowledge",
    "load_workload",
]

_WHERE = {
    "Advisor": "advisor.recommend.advisor",
    "Recommendation": "advisor.recommend.models",
    "Workload": "advisor.workload",
    "load_workload": "advisor.workload",
    "Knowledge": "advisor.knowledge.models",
    "load_knowledge": "advisor.knowledge.loader",
    **{name: "advisor.errors" for name in ("AdvisorError", "KnowledgeError", "PricingError", "Problem", "QuizError",
                                           "StoreError", "UsageError", "WorkloadError")},
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")

    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
