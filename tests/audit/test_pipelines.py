"""A SageMaker pipeline's job steps are judged as the requests their Arguments are (advisor/audit/pipelines.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from advisor.audit import audit_paths
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
STEPS = {"Version": "2020-12-01", "Steps": [
    {"Name": "Train", "Type": "Training", "Arguments": {"EnableNetworkIsolation": {"Get": "Parameters.Isolate"},
                                                        "ResourceConfig": {"InstanceType": "ml.m5.xlarge"}}},
    {"Name": "Notify", "Type": "Lambda",
     "Arguments": {"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:n"}}]}


def _found(folder: Path) -> dict[tuple[str, str, str], str]:
    return {(f.resource, f.control, f.field): f.status for f in audit_paths([folder], K, folder).findings}


def test_a_request_files_pipeline_steps_are_its_job_requests(tmp_path: Path) -> None:
    (tmp_path / "requests.json").write_text(json.dumps({"CreatePipeline": {
        "PipelineName": "p", "RoleArn": "arn:aws:iam::111122223333:role/p", "PipelineDefinition": json.dumps(STEPS)}}))
    found = _found(tmp_path)
    assert found[("CreatePipeline:p.Train", "SM-TR-01", "EnableNetworkIsolation")] == "unknown"  # at execution
    assert found[("CreatePipeline:p.Train", "SM-TR-03", "ResourceConfig.VolumeKmsKeyId")] == "fail"
    assert not any(resource.endswith(".Notify") for resource, _c, _f in found)  # a Lambda step is no job


def test_a_definition_the_audit_cannot_read_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  P:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      PipelineName: p\n"
        "      RoleArn: r\n      PipelineDefinition:\n        PipelineDefinitionS3Location: {Bucket: b, Key: k}\n"
        "  Q:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      PipelineName: q\n      RoleArn: r\n"
        "      PipelineDefinition:\n        PipelineDefinitionBody: '{\"Steps\": [ not json'\n")
    report = audit_paths([tmp_path], K, tmp_path)
    assert not report.errors and not report.findings and report.resources == 2


def test_a_state_machines_sagemaker_tasks_are_their_requests(tmp_path: Path) -> None:
    """createProcessingJob.sync in a Map iteration and createModel in a Parallel branch; a field the state sets
    from the execution's data (Key.$) is unknown; a Lambda task is no SageMaker request."""
    definition = {"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Prep", "States": {
            "Prep": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createProcessingJob.sync", "End": True,
                     "Parameters": {"NetworkConfig": {"EnableNetworkIsolation": True},
                                    "ProcessingResources": {"ClusterConfig": {"VolumeKmsKeyId.$": "$.key"}}}}}},
                 "Next": "Both"},
        "Both": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "Model", "States": {
            "Model": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createModel", "End": True,
                      "Parameters": {"ExecutionRoleArn": "r", "EnableNetworkIsolation": True}}}}, {
            "StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                    "End": True, "Parameters": {"FunctionName": "f"}}}}]}}}
    (tmp_path / "t.json").write_text(json.dumps({"Resources": {"Flow": {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"RoleArn": "r", "DefinitionString": json.dumps(definition)}}}}))
    found = _found(tmp_path)
    assert found[("Flow.Prep", "SM-PR-01", "NetworkConfig.EnableNetworkIsolation")] == "pass"
    assert found[("Flow.Prep", "SM-PR-02", "ProcessingResources.ClusterConfig.VolumeKmsKeyId")] == "unknown"
    assert found[("Flow.Model", "SM-MD-01", "EnableNetworkIsolation")] == "pass"
    assert not any(resource == "Flow.Call" for resource, _c, _f in found)


def test_a_sam_state_machine_is_judged_as_the_state_machine_sam_generates(tmp_path: Path) -> None:
    """SAM's AWS::Serverless::StateMachine has Logging and Tracing but no encryption property (its transform
    refuses one): the AWS::StepFunctions::StateMachine it generates uses an AWS owned key, so SFN-03 fails, and
    the fix says to declare AWS::StepFunctions::StateMachine instead of patching a property SAM would refuse."""
    from advisor.audit.fixes import patches

    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      Definition: {StartAt: W, States: {W: {Type: Wait, Seconds: 1, End: true}}}\n"
        "      Tracing: {Enabled: true}\n      Logging:\n        Level: ERROR\n"
        "        Destinations: [{CloudWatchLogsLogGroup: {LogGroupArn: arn:aws:logs:us-east-1:1:log-group:x}}]\n"
        "  Quiet:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      Definition: {StartAt: W, States: {W: {Type: Wait, Seconds: 1, End: true}}}\n")
    report = audit_paths([tmp_path], K, tmp_path)
    got = {(f.resource, f.control): f for f in report.findings}
    assert (got["Flow", "SFN-01"].status, got["Flow", "SFN-02"].status) == ("pass", "pass")
    assert (got["Quiet", "SFN-01"].status, got["Quiet", "SFN-02"].status) == ("fail", "fail")
    encryption = got["Flow", "SFN-03"]
    assert encryption.status == "fail" and "absent (AWS default 'AWS_OWNED_KEY')" in encryption.actual
    assert encryption.fix and "declare it as AWS::StepFunctions::StateMachine" in encryption.fix
    assert encryption.declare_as == "AWS::StepFunctions::StateMachine" and encryption.want is None
    diff, notes = patches(report.findings, tmp_path)
    assert "EncryptionConfiguration" not in diff and "Level: ERROR" not in diff  # no property SAM would refuse
    assert next(n for n in notes if " Flow SFN-03" in n).endswith(
        "(edit by hand: the field needs the resource declared as AWS::StepFunctions::StateMachine)")
    # the note reads the finding's field, not its words: a fix that merely starts so is a value to choose
    worded = replace(got["Quiet", "SFN-01"], fix="declare it as you like", want=None)
    assert patches([worded], tmp_path)[1][0].endswith("(edit by hand: the value is yours to choose)")
    assert got["Quiet", "SFN-01"].declare_as is None


def test_a_stack_parameter_inside_a_sub_definition_is_unknown_not_the_end_of_the_definition(tmp_path: Path) -> None:
    """`${Param}` in a !Sub pipeline body used to make the whole JSON unreadable (its marker is a control
    character), so every step went unjudged: the step is read, that one value unknown."""
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  Key: {Type: String}\nResources:\n  P:\n    Type: AWS::SageMaker::Pipeline\n"
        "    Properties:\n      PipelineName: p\n      RoleArn: r\n      PipelineDefinition:\n"
        "        PipelineDefinitionBody: !Sub '{\"Steps\": [{\"Name\": \"T\", \"Type\": \"Training\", \"Arguments\": "
        "{\"EnableNetworkIsolation\": true, \"OutputDataConfig\": {\"KmsKeyId\": \"${Key}\"}}}]}'\n")
    found = _found(tmp_path)
    assert found[("P.T", "SM-TR-01", "EnableNetworkIsolation")] == "pass"
    assert found[("P.T", "SM-TR-04", "OutputDataConfig.KmsKeyId")] == "unknown"


def test_a_jsonencode_definition_around_other_resources_keeps_them_set(tmp_path: Path) -> None:
    """jsonencode of an object holding another resource's attribute: the steps are read from the structure, the
    attribute certainly set (not unknown, not unread)."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "k" {}\n'
        'resource "aws_sagemaker_pipeline" "p" {\n  pipeline_name = "p"\n  role_arn = "r"\n'
        '  pipeline_definition = jsonencode({\n    Steps = [{ Name = "T", Type = "Training", Arguments = {\n'
        '      EnableNetworkIsolation = false\n      OutputDataConfig = { KmsKeyId = aws_kms_key.k.arn } } }]\n'
        '  })\n}\n')
    found = _found(tmp_path)
    assert found[("aws_sagemaker_pipeline.p.T", "SM-TR-01", "EnableNetworkIsolation")] == "fail"
    assert found[("aws_sagemaker_pipeline.p.T", "SM-TR-04", "OutputDataConfig.KmsKeyId")] == "pass"


def test_a_tuning_job_with_several_definitions_is_judged_once_per_definition(tmp_path: Path) -> None:
    """TrainingJobDefinitions (one per algorithm) in place of TrainingJobDefinition: each definition is judged as
    the tuning job's one, at its own line; the absent singular is not failed."""
    first = {"DefinitionName": "a", "EnableNetworkIsolation": True}
    second = {"DefinitionName": "b", "EnableNetworkIsolation": False}
    (tmp_path / "r.json").write_text(json.dumps({"CreateHyperParameterTuningJob": {
        "HyperParameterTuningJobName": "h", "TrainingJobDefinitions": [first, second]}}, indent=1))
    found = _found(tmp_path)
    assert found[("CreateHyperParameterTuningJob:h.a", "SM-HPO-01", "TrainingJobDefinition.EnableNetworkIsolation")] \
        == "pass"
    assert found[("CreateHyperParameterTuningJob:h.b", "SM-HPO-01", "TrainingJobDefinition.EnableNetworkIsolation")] \
        == "fail"
    assert not [k for k in found if k[0] == "CreateHyperParameterTuningJob:h"]


def test_a_terraform_heredoc_definition_reads_the_caller_identity_and_region_as_their_form(tmp_path: Path) -> None:
    """The aws provider's aws_sagemaker_pipeline takes its definition as JSON text, often a heredoc that builds
    ARNs from data.aws_caller_identity and data.aws_region. Those parts name the account and the region, as
    ${AWS::AccountId} does in a !Sub body: the key is certainly set (it was unknown). A variable stays unknown,
    and a step without a key still fails."""
    key = "arn:aws:kms:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:alias/ml"
    (tmp_path / "main.tf").write_text(
        'data "aws_caller_identity" "current" {}\ndata "aws_region" "current" {}\nvariable "key" { type = string }\n'
        'resource "aws_sagemaker_pipeline" "p" {\n  pipeline_name = "p"\n  pipeline_display_name = "p"\n'
        '  role_arn = "arn:aws:iam::111122223333:role/p"\n  pipeline_definition = <<-JSON\n'
        '    {"Version": "2020-12-01", "Steps": [\n'
        '      {"Name": "Train", "Type": "Training", "Arguments": {\n'
        f'        "OutputDataConfig": {{"S3OutputPath": "s3://b/o", "KmsKeyId": "{key}"}},\n'
        '        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30,\n'
        '                           "VolumeKmsKeyId": "${var.key}"}}},\n'
        '      {"Name": "Prep", "Type": "Processing", "Arguments": {\n'
        '        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,\n'
        '                                                  "VolumeSizeInGB": 30}}}}]}\n'
        '  JSON\n}\n')
    report = audit_paths([tmp_path], K, tmp_path)
    got = {(f.resource, f.control, f.field): f for f in report.findings}
    output = got[("aws_sagemaker_pipeline.p.Train", "SM-TR-04", "OutputDataConfig.KmsKeyId")]
    assert (output.status, output.actual) == ("pass", f"<reference: {key}>")
    assert got[("aws_sagemaker_pipeline.p.Train", "SM-TR-03", "ResourceConfig.VolumeKmsKeyId")].status == "unknown"
    assert got[("aws_sagemaker_pipeline.p.Prep", "SM-PR-02",
                "ProcessingResources.ClusterConfig.VolumeKmsKeyId")].status == "fail"


def test_a_task_resource_written_with_the_partition_is_still_the_sagemaker_integration(tmp_path: Path) -> None:
    """`arn:${AWS::Partition}:states:::sagemaker:createTrainingJob.sync` in a !Sub definition is the training
    integration in every partition: its state is judged as the request. (Reading pseudo parameters as set values
    once left the marker in the Resource, and the state was no longer recognised.)"""
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      RoleArn: arn:aws:iam::111122223333:role/s\n      DefinitionString: !Sub '{\"StartAt\": \"T\", "
        "\"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": "
        "\"arn:${AWS::Partition}:states:::sagemaker:createTrainingJob.sync\", \"End\": true, \"Parameters\": "
        "{\"EnableNetworkIsolation\": true, \"OutputDataConfig\": {\"KmsKeyId\": "
        "\"arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/m\"}}}}}'\n"
        "  Other:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      RoleArn: arn:aws:iam::111122223333:role/s\n      DefinitionString: !Sub '{\"StartAt\": \"L\", "
        "\"States\": {\"L\": {\"Type\": \"Task\", \"Resource\": "
        "\"arn:${AWS::Partition}:states:::lambda:invoke\", \"End\": true}}}'\n")
    found = _found(tmp_path)
    assert found[("Flow.T", "SM-TR-01", "EnableNetworkIsolation")] == "pass"
    assert found[("Flow.T", "SM-TR-04", "OutputDataConfig.KmsKeyId")] == "pass"
    assert not any(resource.startswith("Other.") for resource, _c, _f in found)  # a Lambda task is no job


def test_definition_substitutions_put_their_values_in_the_states_requests(tmp_path: Path) -> None:
    """DefinitionSubstitutions replace `${name}` in a state machine's definition (a map or a JSON text): a literal
    is that literal, another resource's attribute is set, a parameter without a default is unknown. Read as they
    were written, `${OutputKey}` passed as if it were a key."""
    arguments = ('{"EnableNetworkIsolation": ${Isolate}, "OutputDataConfig": {"KmsKeyId": "${OutputKey}"}, '
                 '"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "VolumeKmsKeyId": "${VolumeKey}"}, '
                 '"VpcConfig": {"Subnets": ["subnet-${Suffix}"]}}')
    body = ('{"StartAt": "T", "States": {"T": {"Type": "Task", "End": true, '
            '"Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "Parameters": ' + arguments + '}}}')
    substitutions = ("      DefinitionSubstitutions:\n        Isolate: false\n        OutputKey: !Ref OutputKeyArn\n"
                     "        VolumeKey: !GetAtt Key.Arn\n        Suffix: 0a1b2c3d\n")
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nParameters:\n  OutputKeyArn: {Type: String}\nResources:\n"
        "  Key:\n    Type: AWS::KMS::Key\n    Properties: {KeyPolicy: {}}\n"
        "  Text:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      RoleArn: arn:aws:iam::111122223333:role/s\n"
        f"      DefinitionString: '{body}'\n{substitutions}"
        "  Map:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        f"      Definition: {body.replace('${Isolate}', 'true')}\n{substitutions}")
    found = _found(tmp_path)
    for machine in ("Text", "Map"):
        assert found[(f"{machine}.T", "SM-TR-04", "OutputDataConfig.KmsKeyId")] == "unknown"
        assert found[(f"{machine}.T", "SM-TR-03", "ResourceConfig.VolumeKmsKeyId")] == "pass"
        assert found[(f"{machine}.T", "SM-TR-05", "VpcConfig.Subnets")] == "pass"
    assert found[("Text.T", "SM-TR-01", "EnableNetworkIsolation")] == "fail"  # ${Isolate} is false
    assert found[("Map.T", "SM-TR-01", "EnableNetworkIsolation")] == "pass"


def test_a_definition_kept_in_a_file_beside_the_template_is_read(tmp_path: Path) -> None:
    """SAM's DefinitionUri and a DefinitionS3Location that `aws cloudformation package` uploads may name a local
    file (JSON or YAML): its Task states are judged, DefinitionSubstitutions filled in. An S3 location, or a file
    that is not there, adds nothing."""
    (tmp_path / "sm").mkdir()
    (tmp_path / "sm" / "a.asl.json").write_text(json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "End": True,
        "Parameters": {"EnableNetworkIsolation": True, "OutputDataConfig": {"KmsKeyId": "${Key}"}}}}}))
    (tmp_path / "sm" / "b.asl.yaml").write_text(
        "StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: arn:aws:states:::sagemaker:createTrainingJob\n"
        "    End: true\n    Parameters:\n      EnableNetworkIsolation: false\n")
    (tmp_path / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nParameters:\n  KeyArn: {Type: String}\nResources:\n"
        "  Sam:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/a.asl.json\n"
        "      DefinitionSubstitutions: {Key: !Ref KeyArn}\n"
        "  Packaged:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: r\n"
        "      DefinitionS3Location: sm/b.asl.yaml\n"
        "  Uploaded:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: {Bucket: b, Key: k.json}\n"
        "  Remote:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: r\n"
        "      DefinitionS3Location: s3://b/a.asl.json\n"
        "  Missing:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: sm/none.json\n")
    found = _found(tmp_path)
    assert found[("Sam.T", "SM-TR-01", "EnableNetworkIsolation")] == "pass"
    assert found[("Sam.T", "SM-TR-04", "OutputDataConfig.KmsKeyId")] == "unknown"  # a parameter without default
    assert found[("Packaged.T", "SM-TR-01", "EnableNetworkIsolation")] == "fail"
    assert not any(resource.split(".")[0] in ("Uploaded", "Remote", "Missing") and "." in resource
                   for resource, _c, _f in found)


def test_a_definition_file_outside_the_audited_folder_is_not_read(tmp_path: Path) -> None:
    """DefinitionUri is the template writer's text: `../` or an absolute path would read the auditing machine's
    files into the report. Only a file inside the audited folder (a named template's own folder) is read."""
    machine = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "End": True,
        "Parameters": {"EnableNetworkIsolation": False}}}}
    (tmp_path / "outside.json").write_text(json.dumps(machine))
    audited = tmp_path / "app"
    audited.mkdir()
    (audited / "inside.json").write_text(json.dumps(machine))
    (audited / "t.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Up:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ../outside.json\n"
        f"  Abs:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        f"      DefinitionUri: {tmp_path / 'outside.json'}\n"
        "  In:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: inside.json\n")
    for named in (audited, audited / "t.yaml"):
        found = {(f.resource, f.control, f.field): f.status for f in audit_paths([named], K, tmp_path).findings}
        assert found[("In.T", "SM-TR-01", "EnableNetworkIsolation")] == "fail"
        assert not any(r.startswith(("Up.", "Abs.")) for r, _c, _f in found)


def test_a_step_named_from_a_parameter_is_named_as_the_definition_writes_it(tmp_path: Path) -> None:
    """A step whose Name holds `${Env}` or `${AWS::Region}` in a !Sub body is `P.Train-${Env}`, not a name holding
    the reader's internal markers (control characters that no output format should carry)."""
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  Env: {Type: String}\nResources:\n  P:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n"
        "      PipelineName: p\n      RoleArn: arn:aws:iam::111122223333:role/p\n      PipelineDefinition:\n"
        "        PipelineDefinitionBody: !Sub '{\"Steps\": [{\"Name\": \"Train-${Env}\", \"Type\": \"Training\", "
        "\"Arguments\": {}}, {\"Name\": \"Prep-${AWS::Region}\", \"Type\": \"Processing\", \"Arguments\": {}}]}'\n")
    names = {resource for resource, _c, _f in _found(tmp_path)}
    assert names == {"P.Train-${Env}", "P.Prep-${AWS::Region}"}
