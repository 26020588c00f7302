"""`advisor requests` as a user runs it: the JSON contract, YAML, the python script, --only, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from tests.conftest import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workloads"
FRAUD = str(EXAMPLES / "fraud-detector.yaml")


def test_json_is_keyed_by_operation_with_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", FRAUD]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"CreateTrainingJob", "CreateEndpointConfig", "CreateFunction", "states:StateMachine",
            "CreateStateMachine", "placeholders", "notes"} <= set(data)
    assert data["CreateTrainingJob"]["ResourceConfig"]["InstanceType"].startswith("ml.")
    assert data["states:StateMachine"]["StartAt"] in data["states:StateMachine"]["States"]
    bucket = next(p for p in data["placeholders"] if p["name"] == "bucket")
    assert {"name", "description", "used_in", "controls"} == set(bucket)
    assert "CreateTrainingJob.OutputDataConfig.S3OutputPath" in bucket["used_in"]


def test_yaml_is_the_same_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", FRAUD, "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["requests", FRAUD, "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == as_json


def test_python_is_a_script_that_compiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", FRAUD, "--format", "python", "--canary", "20"]) == 0
    source = capsys.readouterr().out
    compile(source, "requests.py", "exec")
    assert source.index('BUCKET = "<<bucket>>"') < source.index("CREATE_TRAINING_JOB = {")
    assert '"InitialVariantWeight": 0.8' in source and '"InitialVariantWeight": 0.2' in source


def test_only_and_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", FRAUD, "--only", "CreateTransformJob", "--input-filter", "$[1:]", "--join-source",
                 "Input", "--output-filter", "$[0,-1]"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"CreateTransformJob", "placeholders", "notes"}
    assert data["CreateTransformJob"]["DataProcessing"]["JoinSource"] == "Input"
    assert main(["requests", FRAUD, "--only", "CreateNotebookInstance", "--lifecycle-config", "setup",
                 "--git-repo", "https://github.com/me/repo.git"]) == 0
    notebook = json.loads(capsys.readouterr().out)["CreateNotebookInstance"]
    assert (notebook["LifecycleConfigName"], notebook["DefaultCodeRepository"]) == (
        "setup", "https://github.com/me/repo.git")


def test_stage_and_region_follow_recommend(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", FRAUD, "--stage", "training", "--region", "eu-west-1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "CreateTrainingJob" in data and "CreateNotebookInstance" not in data
    image = next(p for p in data["placeholders"] if p["name"] == "training_image_uri")
    assert "eu-west-1" in image["description"]


@pytest.mark.parametrize(("args", "message"), [
    (["--only", "CreateEndpointConfig", str(EXAMPLES / "churn-quick-train.yaml")],
     "Usage error: the recommendation has no realtime_inference or serverless_inference or async_inference "
     "stage, so there is no CreateEndpointConfig"),
    (["--only", "CreateBanana", FRAUD], "Usage error: no operation 'CreateBanana'"),
    (["--canary", "0", FRAUD], "Usage error: canary share 0% is not between 1 and 99"),
    (["--lifecycle-config", "bad name", FRAUD], "lifecycle configuration name 'bad name' is not valid"),
])
def test_bad_requests_exit_2_in_plain_words(args: list[str], message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_only_lists_what_is_available(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requests", str(EXAMPLES / "notebook-explore.yaml"), "--only", "CreateTrainingJob"]) == 2
    err = capsys.readouterr().err
    assert "no training stage, so there is no CreateTrainingJob" in err
    assert "this recommendation covers CreateNotebookInstance\n" in err or err.rstrip().endswith(
        "this recommendation covers CreateNotebookInstance")  # no unit of work for Lambda, so no CreateFunction


def test_a_workload_that_does_not_validate_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstages: [training]\ntraining: {max_hours: -1}\n", encoding="utf-8")
    done = run_cli("requests", str(bad))
    assert done.returncode == 2
    assert "Invalid workload" in done.stderr and "bad.yaml:3" in done.stderr and "training.max_hours" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_real_command_prints_validated_json() -> None:
    done = run_cli("requests", FRAUD, "--only", "CreateFunction")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["CreateFunction"]["PackageType"] == "Image"


def test_a_missing_file_and_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                  tmp_path: Path) -> None:
    assert main(["requests", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("name: piped\nstages: [training]\n"))
    assert main(["requests", "-", "--only", "CreateTrainingJob"]) == 0
    assert json.loads(capsys.readouterr().out)["CreateTrainingJob"]["TrainingJobName"] == "piped-training"
