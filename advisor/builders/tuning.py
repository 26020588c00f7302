"""Starting points for a hyperparameter tuning job: ranges, objective and fixed hyperparameters per algorithm.

These are where a first tuning job can start, not tuned answers. XGBoost follows the chapter (max_depth 1-10,
objective validation:auc, Maximize) and AWS's "Tune an XGBoost model" recommended ranges for the rest; linear
learner follows AWS's "Tune a linear learner model" (log-scaled learning rate and regularisation). Any other
algorithm gets a generic learning-rate / batch-size search whose objective is read from the job's logs through
a metric definition, which a training script in framework mode must print (`validation:loss=<value>`).

The Grid strategy searches categorical values only and runs every combination, so each starting point also
has a small grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any


@dataclass(frozen=True)
class TuningStart:
    objective: tuple[str, str]  # (Type, MetricName)
    integer: tuple[tuple[str, int, int], ...] = ()
    continuous: tuple[tuple[str, float, float, str], ...] = ()  # name, min, max, ScalingType
    categorical: tuple[tuple[str, tuple[str, ...]], ...] = ()
    grid: tuple[tuple[str, tuple[str, ...]], ...] = ()
    static: tuple[tuple[str, str], ...] = ()  # fixed hyperparameters of every trial
    training_only: tuple[tuple[str, str], ...] = ()  # hyperparameters a plain training job adds (tuned ones)
    metric_regex: str | None = None  # set when the metric comes from the logs (framework mode)
    content_type: str | None = None  # the channels' ContentType the algorithm expects


XGBOOST = TuningStart(
    objective=("Maximize", "validation:auc"),
    integer=(("max_depth", 1, 10), ("num_round", 1, 4000)),
    continuous=(("eta", 0.1, 0.5, "Auto"), ("alpha", 0, 1000, "Auto"), ("min_child_weight", 0, 120, "Auto"),
                ("subsample", 0.5, 1, "Auto")),
    grid=(("max_depth", ("3", "5", "7", "9")), ("eta", ("0.1", "0.2", "0.3"))),
    static=(("objective", "binary:logistic"), ("eval_metric", "auc")),
    training_only=(("num_round", "100"),),
    content_type="text/csv",
)

LINEAR_LEARNER = TuningStart(
    objective=("Minimize", "validation:objective_loss"),
    integer=(("mini_batch_size", 100, 5000),),
    continuous=(("learning_rate", 0.0001, 1, "Logarithmic"), ("wd", 0.0000001, 1, "Logarithmic"),
                ("l1", 0.0000001, 1, "Logarithmic")),
    grid=(("learning_rate", ("0.001", "0.01", "0.1")), ("mini_batch_size", ("100", "1000"))),
    static=(("predictor_type", "binary_classifier"),),
    content_type="text/csv",
)

GENERIC = TuningStart(
    objective=("Minimize", "validation:loss"),
    continuous=(("learning_rate", 0.00001, 0.1, "Logarithmic"),),
    categorical=(("batch_size", ("32", "64", "128")),),
    grid=(("learning_rate", ("0.0001", "0.001", "0.01")), ("batch_size", ("32", "64", "128"))),
    metric_regex=r"validation:loss=([0-9\.eE+-]+)",
)

STARTS: dict[str, TuningStart] = {"xgboost": XGBOOST, "linear_learner": LINEAR_LEARNER}

#: Algorithms SageMaker ships as built-in containers: they emit their own metrics and take no metric regex,
#: so the generic start (which reads a script's logs) does not fit them.
BUILT_IN = frozenset({"xgboost", "linear_learner", "knn", "kmeans", "random_cut_forest", "factorization_machines",
                      "deepar", "blazingtext", "image_classification", "object_detection", "lightgbm"})


def start_for(algorithm: str) -> TuningStart:
    return STARTS.get(algorithm, GENERIC)


def parameter_ranges(start: TuningStart, strategy: str) -> dict[str, Any]:
    """The ParameterRanges of HyperParameterTuningJobConfig (all categorical for Grid)."""
    if strategy == "Grid":
        return {"CategoricalParameterRanges": [{"Name": n, "Values": list(v)} for n, v in start.grid]}
    return {
        "IntegerParameterRanges": [{"Name": n, "MinValue": str(lo), "MaxValue": str(hi), "ScalingType": "Auto"}
                                   for n, lo, hi in start.integer],
        "ContinuousParameterRanges": [{"Name": n, "MinValue": _text(lo), "MaxValue": _text(hi), "ScalingType": s}
                                      for n, lo, hi, s in start.continuous],
        "CategoricalParameterRanges": [{"Name": n, "Values": list(v)} for n, v in start.categorical],
    }


def grid_size(start: TuningStart) -> int:
    return prod(len(values) for _, values in start.grid)


def _text(number: float) -> str:
    """A range bound as SageMaker takes it: a decimal string, never exponent notation."""
    return f"{number:.10f}".rstrip("0").rstrip(".") or "0"
