"""The stage registry: one table every stage-shaped list in the product is read from."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest

from advisor import stages
from advisor.knowledge.models import Stage
from advisor.pricing.models import Component


def test_typed_copies_agree_with_the_registry() -> None:
    """knowledge's and pricing's Literals exist for the type checker; their values are the registry's."""
    assert get_args(Stage) == tuple(stages.INSTANCE_STAGES)
    assert get_args(Component) == stages.PRICE_COMPONENTS


def test_a_data_job_runs_as_long_as_botocore_and_the_workload_allow() -> None:
    """StageSpec.data_job_hours is the stage's StoppingCondition.MaxRuntimeInSeconds / 3600 (botocore), the same
    bound the workload's processing.max_hours takes."""
    import botocore.session

    from advisor.workload import PROCESSING_MAX_HOURS

    model = botocore.session.get_session().get_service_model("sagemaker")
    most = model.shape_for("ProcessingStoppingCondition").members["MaxRuntimeInSeconds"].metadata["max"]
    assert [(s.id, s.data_job_hours) for s in stages.data_job_stages()] == [("processing", most / 3600)]
    assert most / 3600 == PROCESSING_MAX_HOURS


def test_every_stage_points_at_known_instance_stages_and_components() -> None:
    for spec in stages.stages():
        assert spec.instance_stage is None or spec.instance_stage in stages.INSTANCE_STAGES
        assert spec.price_component is None or spec.price_component in stages.PRICE_COMPONENTS
        assert spec.instance_operation is None or spec.instance_operation in spec.operations


def test_inference_stages_name_the_option_they_are_and_every_option_has_its_stage() -> None:
    from advisor.knowledge.loader import load_knowledge

    options = {o.id for o in load_knowledge().hosting_options}
    named = {spec.hosting_option for spec in stages.stages() if spec.hosting_option is not None}
    assert named <= options
    for option in named:
        assert stages.stage(stages.stage_of_option(option)).hosting_option == option
    with pytest.raises(KeyError):
        stages.stage_of_option("not-an-option")
    assert stages.endpoint_stages() == ("realtime_inference", "serverless_inference", "async_inference")


def test_workload_names_and_botocore_names_reach_the_same_place() -> None:
    assert stages.instance_stage_of("realtime_inference") == "hosting"
    assert stages.instance_stage_of("hosting") == "hosting"
    assert stages.instance_stage_of("batch_inference") == stages.instance_stage_of("batch_transform")
    assert stages.instance_stage_of("tuning") == "training"
    assert stages.component_of("realtime_inference") == "hosting"
    assert stages.component_of("spot_training") == "spot_training"
    assert stages.stage("hosting").id == "realtime_inference"
    assert stages.instance_stage_of("async_inference") == "hosting"
    assert stages.component_of("async_inference") == "hosting"
    assert stages.instance_stage_of("serverless_inference") is None
    with pytest.raises(KeyError):  # priced per GB-second, not under an instance component
        stages.component_of("serverless_inference")
    with pytest.raises(KeyError):
        stages.stage("serverless")
    with pytest.raises(KeyError):
        stages.component_of("nothing")


def test_register_refuses_clashes_and_unknown_targets() -> None:
    base = stages.stage("processing")
    with pytest.raises(ValueError, match="already registered"):
        stages.register(base)
    with pytest.raises(ValueError, match="already names a stage"):
        stages.register(base._replace(id="toy", aliases=("hosting",)))
    with pytest.raises(ValueError, match="unknown instance stage"):
        stages.register(base._replace(id="toy", instance_stage="lab"))
    with pytest.raises(ValueError, match="unknown price component"):
        stages.register(base._replace(id="toy", price_component="lab"))
    assert "toy" not in stages.stage_ids()


def test_sections_nobody_claims_matter_to_every_stage() -> None:
    assert stages.stages_reading("inference") == ("realtime_inference", "serverless_inference", "async_inference",
                                                  "batch_inference")
    assert stages.stages_reading("training") == ("training", "tuning")
    assert stages.stages_reading("data") is None


def test_the_registry_imports_nothing_of_ours_and_no_pydantic() -> None:
    code = ("import sys, advisor.stages; "
            "bad = sorted(m for m in sys.modules if m == 'pydantic' or (m.startswith('advisor.') "
            "and m not in ('advisor.stages', 'advisor.__about__'))); print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
