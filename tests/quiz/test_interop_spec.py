"""Question files written from each format's own specification (Moodle's GIFT and XML pages, Anki's text-import
manual, Ditectrev's README layout, hascard's README), with the bank each should give written down before any
import ran. They are not our exports, so they hold what other tools write: comments, categories, escapes,
weights, format tags, CDATA, embedded images, file headers, quoted newlines, cloze notes and card types we cannot
map. Each expected question is (id or None, type, stem, options, extra): options are (text, correct,
explanation) for choice questions, (text, match, explanation) for matching, (text, explanation) for ordering in
the right order; extra holds fields to compare as well (choose, section, topics, distractors). Each unmappable
block is (line, words its message must contain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.errors import QuizError
from advisor.quiz.interop import FORMATS, export_text, import_text
from tests.support.interop import assert_questions, essence, read_data

DATA = Path(__file__).parent / "data" / "spec"

Q = tuple[str | None, str, str, list[tuple[Any, ...]], dict[str, Any]]
CASES: dict[str, tuple[str, list[Q], list[tuple[int, str]]]] = {
    "g01_comments_category.gift": ("gift", [
        ("endpoint-types", "single", "Which SageMaker inference option accepts payloads up to 1 GB?", [
            ("Real-time inference", False, "Real-time payloads are limited to 6 MB."),
            ("Asynchronous inference", True, "It queues requests with payloads up to 1 GB."),
            ("Serverless inference", False, "Serverless payloads are limited to 4 MB.")],
         {"section": "Deployment"}),
    ], []),
    "g02_escapes.gift": ("gift", [
        ("ratio-3-1", "single", "Which IAM condition key is written as aws:SourceIp?", [
            ("aws:SourceIp", True, "Written with a colon: aws:SourceIp."),
            ("aws=SourceIp", False, "Not an equals sign."),
            ("aws#SourceIp", False, "Not a hash sign."),
            ("{aws}SourceIp", False, "Not in braces.")], {}),
    ], []),
    "g03_multiline_html.gift": ("gift", [
        ("input-mode", "single", "A data scientist trains on 10 TB of images in S3.\nWhich input mode streams the "
         "data to the algorithm without copying it to the volume first?", [
             ("Pipe mode", True, "It streams the data from S3."),
             ("File mode", False, "It copies the whole data set to the ML storage volume first."),
             ("Local mode", False, "It runs the container on your own machine.")], {}),
    ], []),
    "g04_multiline_plain.gift": ("gift", [
        ("spot", "single", "A team runs managed spot training.\nWhat must they set so that an interrupted job\n"
         "can resume where it stopped?", [
             ("A checkpoint S3 location (CheckpointConfig)", True,
              "Checkpoints let a job resume after an interruption."),
             ("A larger ML storage volume", False, "Volume size does not help a job resume."),
             ("VPC mode", False, "Networking is unrelated to interruptions.")], {}),
    ], []),
    "g05_weights.gift": ("gift", [
        ("two-gpu", "multiple", "Which two instance families have NVIDIA GPUs?", [
            ("ml.p4d", True, "NVIDIA A100."), ("ml.g5", True, "NVIDIA A10G."), ("ml.c5", False, "CPU only."),
            ("ml.inf2", False, "AWS Inferentia2.")], {"choose": 2}),
        ("three", "multiple", "Which three are SageMaker built-in algorithms?", [
            ("XGBoost", True, ""), ("Linear Learner", True, ""), ("BlazingText", True, ""),
            ("ResNet-Keras", False, "")], {"choose": 3}),
        # an '=' answer makes Moodle's multichoice single-answer; a '%50%' answer beside it is partial credit
        ("partial", "single", "Which of these instance types has the most GPU memory?", [
            ("ml.p4de.24xlarge", True, "8 A100 GPUs with 80 GB each."),
            ("ml.p4d.24xlarge", False, "8 A100 GPUs with 40 GB each: half credit."),
            ("ml.g5.xlarge", False, "One A10G with 24 GB.")], {}),
    ], []),
    "g06_truefalse.gift": ("gift", [
        ("tf1", "true_false", "Amazon SageMaker Serverless Inference supports GPUs.", [
            ("True", False, "Serverless Inference runs on CPU only."), ("False", True, "Right: no GPUs.")], {}),
        ("tf2", "true_false", "A new SageMaker notebook instance has root access enabled by default.", [
            ("True", True, ""), ("False", False, "")], {}),
        ("tf3", "true_false", "Batch transform needs a persistent endpoint.", [
            ("True", False, ""), ("False", True, "")], {}),
        ("tf4", "true_false", "Training jobs can use Managed Spot Training.", [
            ("True", True, "Yes: set EnableManagedSpotTraining."), ("False", False, "They can.")], {}),
    ], []),
    "g07_unmappable.gift": ("gift", [
        (None, "single", "Amazon SageMaker _____ detects bias in data and in models.", [
            ("Ground Truth", False, ""), ("Clarify", True, ""), ("Neo", False, "")], {}),
    ], [(1, "description"), (3, "numerical"), (5, "numerical"), (7, "essay"), (9, "short-answer")]),
    "g08_matching.gift": ("gift", [
        ("match", "matching", "Match each need with the SageMaker inference option.", [
            ("Payloads up to 1 GB and minutes of processing", "Asynchronous inference", "Async queues large payloads; "
             "Serverless scales to zero; Batch transform needs no endpoint."),
            ("Intermittent traffic that may scale to zero", "Serverless inference", "Async queues large payloads; "
             "Serverless scales to zero; Batch transform needs no endpoint."),
            ("Score a whole data set offline", "Batch transform", "Async queues large payloads; "
             "Serverless scales to zero; Batch transform needs no endpoint.")], {}),
    ], [(8, "2 pairs")]),
    "g09_format_tags.gift": ("gift", [
        ("fmt", "single", "Which field encrypts a **training job's** ML storage volume?", [
            ("ResourceConfig.VolumeKmsKeyId", True, "It names the KMS key for the attached volume."),
            ("OutputDataConfig.KmsKeyId", False, "It encrypts the output artifacts."),
            ("EnableNetworkIsolation", False, "It blocks network access.")], {}),
    ], []),
    "g10_crlf_newline_escape.gift": ("gift", [
        ("vpc", "single", "Which field puts a training job in your VPC?\nPick one.", [
            ("VpcConfig", True, ""), ("NetworkConfig", False, ""), ("RoleArn", False, "")], {"section": "Network"}),
    ], []),
    "m01_multichoice_single.xml": ("moodle-xml", [
        ("notebook-root-access", "single", "Which CreateNotebookInstance field stops users from becoming root?", [
            ("DirectInternetAccess", False, "That controls the network path."),
            ("RootAccess", True, "Set it to Disabled. Root access is Enabled by default."),  # general feedback kept
            ("KmsKeyId", False, "Root access is Enabled by default.")], {"topics": ["security"]}),
    ], []),
    "m02_multichoice_multiple.xml": ("moodle-xml", [
        ("gpu-families", "multiple", "Which two families have NVIDIA GPUs?", [
            ("ml.p4d", True, "NVIDIA A100."), ("ml.c5", False, "CPU only."), ("ml.g5", True, "NVIDIA A10G."),
            ("ml.inf2", False, "AWS Inferentia2.")], {"choose": 2}),
        ("three-algorithms", "multiple", "Which three are SageMaker built-in algorithms?", [
            ("XGBoost", True, ""), ("Linear Learner", True, ""), ("BlazingText", True, ""),
            ("ResNet-Keras", False, "")], {"choose": 3}),
    ], []),
    "m03_truefalse.xml": ("moodle-xml", [
        ("tf-serverless-gpu", "true_false", "Serverless Inference supports GPUs.", [
            ("True", False, "It runs on CPU only."), ("False", True, "Right: no GPUs.")], {}),
        ("root-default", "true_false", "A new notebook instance has root access enabled by default.", [
            ("True", True, ""), ("False", False, "")], {}),
    ], []),
    "m04_image_base64.xml": ("moodle-xml", [
        ("architecture-diagram", "single", "Which service is shown in the diagram?\n[image: diagram 1.png]", [
            ("Amazon SageMaker Pipelines", True, ""), ("AWS Step Functions", False, "")], {}),
    ], []),
    "m05_categories_and_types.xml": ("moodle-xml", [
        ("distributed", "single", "Which library splits a model that does not fit on one GPU?", [
            ("SageMaker model parallelism library", True, "It shards the model across GPUs."),
            ("SageMaker distributed data parallelism library", False, "It copies the whole model to every GPU.")],
         {"section": "Training"}),
    ], [(13, "shortanswer"), (19, "numerical"), (24, "essay"), (28, "description"), (32, "multianswer")]),
    "m06_partial_single.xml": ("moodle-xml", [
        ("gpu-memory", "single", "Which of these instance types has the most GPU memory?", [
            ("ml.p4de.24xlarge", True, "8 A100 GPUs with 80 GB each."),
            ("ml.p4d.24xlarge", False, "8 A100 GPUs with 40 GB each: half credit."),
            ("ml.g5.xlarge", False, "One A10G with 24 GB.")], {}),
    ], []),
    "m07_plain_and_markdown.xml": ("moodle-xml", [
        ("payload-limit", "single", "A request body is <b> 5 MB </b>: which options take it (limit < 6 MB)?", [
            ("Real-time inference <6 MB>", True, ""), ("None", False, "")], {}),
        ("markdown", "single", "Which **field** sets the instance type?", [
            ("InstanceType", True, ""), ("VolumeSizeInGB", False, "")], {}),
    ], []),
    "m08_matching.xml": ("moodle-xml", [
        ("inference-options", "matching", "Match each need with an inference option.", [
            ("Payloads up to 1 GB", "Asynchronous inference", "Async queues large payloads."),
            ("Scale to zero between bursts", "Serverless inference", "Async queues large payloads."),
            ("Score a data set offline", "Batch transform", "Async queues large payloads.")],
         {"distractors": ["Multi-model endpoint"]}),
    ], []),
    "a01_semicolon_plain_multiline.csv": ("anki-csv", [
        (None, "single", "Which limit applies to a real-time request body?", [
            ("6 MB", True, "Real-time endpoints take payloads up to 6 MB; Async takes 1 GB, Serverless 4 MB."),
            ("1 GB", False, ""), ("4 MB", False, "")], {"topics": ["inference", "limits"]}),
        (None, "single", "Which field keeps a model's container off the network (x < y is not relevant)?", [
            ("EnableNetworkIsolation", True, ""), ("DirectInternetAccess", False, "")], {"topics": ["security"]}),
    ], []),
    "a02_tab_notetype_deck_guid_columns.txt": ("anki-csv", [
        ("ab1-xy", "single", "Which setting turns off root on a notebook instance?", [
            ("RootAccess", True, "Set RootAccess to Disabled."), ("KmsKeyId", False, "")], {"section": "Security"}),
        ("cd2-zq", "single", "Which job type runs a one-off training script?", [
            ("Processing job", False, ""), ("Training job", True, ""), ("Transform job", False, "")],
         {"section": "Training"}),
    ], []),
    "a04_comments_and_tags_line.txt": ("anki-csv", [
        (None, "single", "Which service labels data with human workers?", [
            ("SageMaker Ground Truth", True, ""), ("SageMaker Clarify", False, "")],
         {"topics": ["imported-deck", "mla"]}),
        (None, "multiple", "Which two features explain predictions or detect bias?", [
            ("SageMaker Clarify", True, "Clarify does both."), ("SageMaker Neo", False, ""),
            ("SageMaker Clarify bias reports", True, "Clarify does both.")],
         {"choose": 2, "topics": ["imported-deck", "mla"]}),
    ], []),
    "a05_pipe_quotes.csv": ("anki-csv", [
        (None, "multiple", 'Which "InputMode" values exist for training? | pick two', [
            ("File", True, 'FastFile exists too; "Stream" does not.'),
            ("Pipe", True, 'FastFile exists too; "Stream" does not.'), ("Stream", False, "")], {"choose": 2}),
    ], []),
    "a06_autodetect_comma.csv": ("anki-csv", [
        (None, "single", "What is the default notebook volume size?", [
            ("5 GB", True, "The default VolumeSizeInGB is 5."), ("20 GB", False, ""), ("100 GB", False, "")], {}),
    ], []),
    "d01_readme_layout.md": ("ditectrev-md", [
        (None, "single", "A company wants to host a model that receives images of up to 500 MB and can wait minutes "
         "for a result. Which inference option meets these needs?\n[image: images/question1.jpg]", [
             ("Real-time inference.", False, ""), ("Serverless Inference.", False, ""),
             ("Asynchronous Inference.", True, ""), ("Batch transform with a persistent endpoint.", False, "")], {}),
        (None, "multiple", "Which TWO actions keep training data private? (Select TWO.)", [
            ("Run the training job in a VPC with no internet access.", True, ""),
            ("Turn on Spot training.", False, ""),
            ("Enable network isolation for the training container.", True, ""),
            ("Use a larger instance type.", False, "")], {"choose": 2}),
    ], [(31, "no option is marked correct")]),
    "d02_wrapped_and_explanation.md": ("ditectrev-md", [
        (None, "single", "A data scientist's notebook must not reach the internet. Which setting achieves this?", [
            ("Set RootAccess to Disabled.", False, ""),
            ("Set DirectInternetAccess to Disabled and attach the notebook to a VPC subnet.", True,
             "DirectInternetAccess Disabled routes traffic through your VPC only."),
            ("Set a lifecycle configuration.", False, "")], {}),
    ], []),
    "h01_all_card_types.txt": ("hascard", [
        (None, "single", "Which instance family is burstable?", [
            ("ml.m5", False, ""), ("ml.t3", True, ""), ("ml.c5", False, "")], {}),
        (None, "multiple", "Select the GPU families", [
            ("ml.p4d", True, ""), ("ml.r5", False, ""), ("ml.g5", True, ""), ("ml.c6i", False, "")], {"choose": 2}),
        (None, "ordering", "Put a training job's secondary statuses in order", [
            ("Starting", ""), ("Downloading", ""), ("Training", ""), ("Uploading", "")], {}),
        (None, "single", "What type of pipeline is shown?\n[image: pipeline.png]", [
            ("A state machine", False, ""), ("A SageMaker Pipelines DAG", True, "")], {}),
    ], [(23, "no options"), (26, "no options")]),
    "h02_multiline_and_latex.md": ("hascard", [
        (None, "single", "Which value does this formula give for 2 hours at 2.5 USD per hour?\n```\n"
         "$$cost = hours \\times rate$$\n```", [("2.5", False, ""), ("5", True, ""), ("10", False, "")], {}),
        (None, "single", "A model needs 40 GB of GPU memory.\nWhich instance's GPU has enough memory for it?", [
            ("ml.g5.xlarge (24 GB)", False, ""), ("ml.g4dn.xlarge (16 GB)", False, ""),
            ("ml.p4de.24xlarge (80 GB per GPU)", True, "")], {}),
    ], [(15, "exactly one")]),
    "d03_option_images.md": ("ditectrev-md", [
        (None, "single", "Which chart shows a model that overfits?", [
            ("[image: images/question7a.png]", False, ""), ("[image: images/question7b.png]", True, ""),
            ("Neither chart.", False, "")], {}),
    ], []),
    "h03_latex_lines_like_options.txt": ("hascard", [
        (None, "single", "Which expression does the block define?\n```\n- a + b\n1. x\n```", [
            ("the sum's negation", False, ""), ("the sum of a and b", True, "")], {}),
    ], []),
    "a07_anki_own_export.txt": ("anki-csv", [
        ("f7kx-q9lp1", "single", "Which field encrypts a notebook instance's ML storage volume?", [
            ("KmsKeyId", True, "KmsKeyId names the AWS KMS key for the volume."), ("RootAccess", False, ""),
            ("DirectInternetAccess", False, "")], {"topics": ["security", "encryption"], "section": "Security"}),
    ], []),
    # qtype_multichoiceset (All-or-Nothing multiple choice): each right answer is worth 100%
    "m09_multichoiceset.xml": ("moodle-xml", [
        ("private-training", "multiple", "Which two settings keep a training job off the internet?", [
            ("VpcConfig with private subnets", True, "No internet route."),
            ("EnableNetworkIsolation", True, "The container gets no network."),
            ("EnableManagedSpotTraining", False, "Cost, not network.")], {"choose": 2}),
    ], []),
    # a '/' inside a category name is written '//' (Moodle's category paths)
    "g11_category_slash.gift": ("gift", [
        ("tuning-strategy", "single", "Which tuning strategy stops poorly performing training jobs early?", [
            ("Hyperband", True, "It stops jobs that underperform."), ("Grid", False, "It tries every combination.")],
         {"section": "Training/Tuning"}),
    ], []),
    "g12_unclosed_brace.gift": ("gift", [
        ("closed", "single", "Which mode copies data first?", [("File", True, ""), ("Pipe", False, "")], {}),
    ], [(1, "never closed")]),
    # decks made elsewhere often put the right option itself (or its letter) on the back, not "Answer: X"
    "a08_back_names_the_option.txt": ("anki-csv", [
        (None, "single", "Which service stores training data for SageMaker jobs?", [
            ("Amazon S3", True, "Jobs read channels from S3 prefixes."), ("Amazon SQS", False, ""),
            ("Amazon SNS", False, "")], {}),
        (None, "single", "Which feature finds the best hyperparameters?", [
            ("Automatic model tuning", True, ""), ("Model Monitor", False, "")], {}),
    ], [(5, "names no option")]),
}
#: what an imported question lost on the way, reported by the line of its question
NOTES: dict[str, list[tuple[int, str]]] = {
    "m04_image_base64.xml": [(3, "embedded file 'diagram 1.png' is not saved (the question shows "
                                 "[image: diagram 1.png]); give --media DIR")],
    "g05_weights.gift": [(15, "the answer 'ml.p4d.24xlarge' is worth 50% in the source; here it is a wrong option")],
    "m06_partial_single.xml": [(3, "is worth 50% in the source; here it is a wrong option")],
}
#: files from which nothing maps: the import fails, naming every block and why
NOTHING: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "a03_cloze.txt": ("anki-csv", [(5, "cloze"), (6, "cloze")]),
}


def test_every_spec_file_has_an_expectation() -> None:
    assert sorted(p.name for p in DATA.iterdir()) == sorted([*CASES, *NOTHING])
    assert len(CASES) + len(NOTHING) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_spec_file_gives_the_expected_bank(name: str) -> None:
    fmt, expected, skipped = CASES[name]
    result = import_text(read_data(DATA / name), fmt, display=name, bank_id="spec")
    assert_questions(result.bank["questions"], expected)
    assert [p.line for p in result.skipped] == [line for line, _ in skipped], [str(p) for p in result.skipped]
    for problem, (_, words) in zip(result.skipped, skipped):
        assert words in problem.message and problem.file == name
    notes = NOTES.get(name, [])
    assert [p.line for p in result.notes] == [line for line, _ in notes]
    for problem, (_, words) in zip(result.notes, notes):
        assert words in problem.message and problem.file == name


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_spec_file_with_nothing_to_map_is_a_located_error(name: str) -> None:
    fmt, skipped = NOTHING[name]
    with pytest.raises(QuizError, match="no question could be imported") as err:
        import_text(read_data(DATA / name), fmt, display=name, bank_id="spec")
    assert [p.line for p in err.value.problems] == [line for line, _ in skipped]
    for problem, (_, words) in zip(err.value.problems, skipped):
        assert words in problem.message and problem.file == name


@pytest.mark.parametrize("fmt", [name for name, f in FORMATS.items() if f.writes])
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_imported_spec_file_exports_and_imports_the_same(name: str, fmt: str) -> None:
    source_fmt, _, _ = CASES[name]
    bank = import_text(read_data(DATA / name), source_fmt, display=name, bank_id="spec").bank
    carried = [q for q in bank["questions"] if q["type"] in FORMATS[fmt].carries]
    if not carried:
        return
    text, _ = export_text(bank, fmt)
    back = import_text(text, fmt, display=f"again.{fmt}", bank_id="spec").bank["questions"]
    assert [essence(q) for q in back] == [essence(q) for q in carried]
