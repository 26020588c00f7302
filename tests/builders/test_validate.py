"""Every generated request passes botocore's validation and the state machine its structural check; broken
ones fail both (so the checks can fail)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from advisor.builders import STATE_MACHINE
from advisor.builders.validate import request_problems, request_set_problems, state_machine_problems
from advisor.errors import AdvisorError, InvalidGeneratedRequest
from tests.builders.conftest import EXAMPLE_NAMES, VARIANT_NAMES, variant
from tests.conftest import ROOT


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_request_passes_botocore(name: str, example: Any) -> None:
    _, _, rs = example(name)
    assert request_set_problems(rs) == {}


@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_every_variant_passes_botocore(name: str, custom: Any) -> None:
    _, _, rs = variant(custom, name)
    assert request_set_problems(rs) == {}


def test_the_options_together_pass(example: Any) -> None:
    _, _, rs = example("fraud-detector", canary_percent=20, lifecycle_config="setup", git_repo="repo-name",
                       input_filter="$[1:]", join_source="None", output_filter="$")
    assert set(rs.requests) >= {"CreateNotebookInstanceLifecycleConfig", "CreateEndpointConfig"}
    assert request_set_problems(rs) == {}


def _broken(rs: Any, operation: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    params = copy.deepcopy(rs.requests[operation])
    node = params
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return params


@pytest.mark.parametrize(("service", "operation", "path", "value", "complaint"), [
    ("sagemaker", "CreateTrainingJob", ("RoleArn",), KeyError, "Missing required parameter"),
    ("sagemaker", "CreateTrainingJob", ("ResourceConfig", "InstanceCount"), "two", "Invalid type"),
    ("sagemaker", "CreateTrainingJob", ("EnableSpot",), True, 'Unknown parameter in input: "EnableSpot"'),
    ("sagemaker", "CreateNotebookInstance", ("RootAccess",), "disabled", "must be one of: Enabled, Disabled"),
    ("sagemaker", "CreateHyperParameterTuningJob", ("HyperParameterTuningJobConfig", "Strategy"), "Genetic",
     "must be one of"),
    ("sagemaker", "CreateEndpointConfig", ("ProductionVariants",), {"VariantName": "x"}, "Invalid type"),
    ("lambda", "CreateFunction", ("MemorySize",), "2 GB", "Invalid type"),
    ("lambda", "CreateFunction", ("Code",), KeyError, "Missing required parameter"),
    ("stepfunctions", "CreateStateMachine", ("definition",), {"StartAt": "x"}, "Invalid type"),
])
def test_a_broken_request_fails_botocore(service: str, operation: str, path: tuple[str, ...], value: Any,
                                         complaint: str, example: Any) -> None:
    _, _, rs = example("fraud-detector")
    assert request_problems(service, operation, rs.requests[operation]) == []
    problems = request_problems(service, operation, _broken(rs, operation, path, value))
    assert problems and any(complaint in p for p in problems), problems


def test_the_generated_state_machine_is_sound(example: Any) -> None:
    assert state_machine_problems(example("fraud-detector")[2].requests[STATE_MACHINE]) == []


def _machine() -> dict[str, Any]:
    return {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "B",
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 60, "MaxAttempts": 5, "BackoffRate": 2.0}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
        "B": {"Type": "Pass", "End": True},
        "F": {"Type": "Fail"},
    }}


def _edit(change: Any) -> dict[str, Any]:
    machine = _machine()
    change(machine)
    return machine


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda m: m.update(StartAt="Nowhere"), "StartAt 'Nowhere' is not a state"),
    (lambda m: m["States"]["A"].update(Next="Missing"), "Next 'Missing' is not a state"),
    (lambda m: m["States"]["A"]["Catch"][0].update(Next="Gone"), "Next 'Gone' is not a state"),
    (lambda m: m["States"].update(Orphan={"Type": "Succeed"}), "'Orphan' is never reached"),
    (lambda m: m["States"]["B"].update(End=False, Next="A") or m["States"]["A"].pop("Catch"),
     "no path from it ever ends"),
    (lambda m: m["States"]["B"].pop("End"), "neither Next nor End"),
    (lambda m: m["States"]["F"].update(Next="A"), "takes neither Next nor End"),
    (lambda m: m["States"]["A"]["Retry"][0].update(BackoffRate=0.5), "BackoffRate must be a number >= 1.0"),
    (lambda m: m["States"]["A"]["Retry"][0].update(ErrorEquals=[]), "ErrorEquals must be a non-empty list"),
    (lambda m: m["States"]["A"].update(Type="Lambda"), "Type must be one of"),
    (lambda m: m["States"]["A"]["Retry"].append({"ErrorEquals": ["Lambda.ServiceException"]}),
     "States.ALL must be in the last Retry entry"),
    (lambda m: m["States"]["A"]["Catch"][0].update(ErrorEquals=["States.ALL", "States.Timeout"]),
     "States.ALL must be alone in ErrorEquals"),
    (lambda m: m.pop("States"), "States is missing"),
])
def test_a_broken_state_machine_fails_the_check(change: Any, complaint: str) -> None:
    assert state_machine_problems(_machine()) == []
    problems = state_machine_problems(_edit(change))
    assert any(complaint in p for p in problems), problems


def test_parallel_branches_are_checked_too() -> None:
    branch = {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}}}
    machine = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch], "End": True}}}
    assert any("branch 0: state 'X': Next 'Y' is not a state" in p for p in state_machine_problems(machine))


def test_assert_valid_refuses_a_broken_set_as_the_advisors_bug(example: Any) -> None:
    from advisor.builders.validate import assert_valid

    _, _, rs = example("fraud-detector")
    assert assert_valid(rs) is rs
    broken = rs.model_copy(deep=True)
    broken.requests["CreateTrainingJob"]["ResourceConfig"]["InstanceCount"] = "two"
    with pytest.raises(InvalidGeneratedRequest) as info:
        assert_valid(broken)
    assert info.value.exit_code == 70 and "CreateTrainingJob" in info.value.render()
    assert not isinstance(info.value, AdvisorError)  # not the user's to fix: the TUI reports it as a bug


def test_a_rejected_request_exits_70_from_the_cli(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import advisor.builders.validate as validate
    from advisor.cli import main

    monkeypatch.setattr(validate, "request_set_problems", lambda rs: {"CreateTrainingJob": ["broken"]})
    assert main(["requests", str(ROOT / "examples" / "workloads" / "fraud-detector.yaml")]) == 70
    err = capsys.readouterr().err
    assert err.startswith("Internal error: a generated request fails botocore's validation")
    assert "Traceback" not in err
