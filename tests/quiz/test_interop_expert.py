"""Files a learner would bring from another tool, written from each format's own documentation (Moodle's GIFT and
XML pages, Ditectrev's README layout; Anki packages are built in test_apkg.py): a BOM and CRLF line ends,
`$CATEGORY`, escapes, HTML and markdown text, per-answer and general feedback, Moodle's weights (33.33333 and
-100, 50/50, partial credit beside a 100% answer), true/false feedback, matching distractors, embedded and linked
images, UTF-8 beyond Latin-1, and every question type the quiz cannot hold (numerical, short answer, essay,
description, cloze, drag-and-drop, calculated, a block without a key).

What the quiz can hold arrives intact (each expected bank below was checked by hand against its file, field by
field) and exports and imports back the same; what it cannot hold is reported at its file and line with why;
what an imported question lost (partial credit, an image not saved) is a located note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.quiz.interop import FORMATS, export_text, import_text
from tests.support.interop import assert_questions, essence, read_data

DATA = Path(__file__).parent / "data" / "expert"

#: file -> (format, [(id or None, type, stem, options as shape() gives them, extra fields)], skipped, notes);
#: skipped and notes are (line, words the message must contain)
CASES: dict[str, tuple[str, list[tuple[Any, ...]], list[tuple[int, str]], list[tuple[int, str]]]] = {
    "dx1_readme_toc_images.md": (
        "ditectrev-md",
        [
            (
                None,
                "single",
                "A company stores 20 TB of training images in Amazon S3. Training must start without "
                    "copying the whole data set to the instance volume. Which input mode should the ML "
                    "engineer choose?\n[image: images/question1.png]",
                [
                    ("File mode.", False, ""),
                    ("FastFile mode.", True, ""),
                    ("Local mode.", False, ""),
                    ("Batch mode.", False, ""),
                ],
                {},
            ),
            (
                None,
                "multiple",
                "Which TWO settings keep a SageMaker training job from reaching the internet? (Select TWO.)",
                [
                    ("Set `EnableNetworkIsolation` to true.", True, ""),
                    ("Run the job in a VPC whose subnets have no route to the internet.", True, ""),
                    ("Set `EnableManagedSpotTraining` to true.", False, ""),
                    ("Increase `VolumeSizeInGB`.", False, ""),
                    ("Use a larger instance type.", False, ""),
                ],
                {"choose": 2},
            ),
        ],
        [],
        [],
    ),
    "dx2_crlf_utf8.md": (
        "ditectrev-md",
        [
            (
                None,
                "single",
                "A model must be retrained every week with new data. Which service orchestrates the "
                    "SageMaker processing, training and registration steps natively?",
                [
                    ("Amazon EventBridge Scheduler alone.", False, ""),
                    ("Amazon SageMaker Pipelines.", True, ""),
                    ("AWS Glue crawlers.", False, ""),
                    ("Amazon Kinesis Data Firehose.", False, ""),
                ],
                {},
            ),
            (
                None,
                "single",
                "Qu’est-ce que le mode « Pipe » fait\u202f? (UTF-8: café, 日本語, 🚀)",
                [
                    ("Il diffuse les données depuis S3 vers l’algorithme.", True, ""),
                    ("Il copie tout sur le volume.", False, ""),
                    ("Il compresse les données.", False, ""),
                    ("Il chiffre les données.", False, ""),
                ],
                {},
            ),
        ],
        [],
        [],
    ),
    "dx3_what_it_cannot_hold.md": (
        "ditectrev-md",
        [
            (
                None,
                "single",
                "Which SageMaker feature detects drift in data quality on a live endpoint?",
                [
                    ("SageMaker Clarify processing job run once.", False, ""),
                    ("SageMaker Model Monitor.", True, ""),
                    ("SageMaker Debugger.", False, ""),
                    ("SageMaker Experiments.", False, ""),
                ],
                {},
            ),
        ],
        [
            (1, "no option is marked correct"),
            (9, "1 option(s): a question needs at least 2"),
            (24, "the same question as line 15"),
            (33, "the question has no stem"),
        ],
        [],
    ),
    "dx4_wrapped_escaped_explanation.md": (
        "ditectrev-md",
        [
            (
                None,
                "single",
                "An ML engineer deploys a model that needs 2 GB of memory and serves sporadic traffic with "
                    "long idle periods. Cold starts are acceptable. Which option is the MOST cost-effective?",
                [
                    (
                        "A real-time endpoint on `ml.m5.large` with auto scaling set to a minimum of one instance.",
                        False,
                        "",
                    ),
                    (
                        "A serverless endpoint with `MemorySizeInMB` set to 3072.",
                        True,
                        "Serverless Inference scales to zero when idle and bills per use; memory is set in 1 GB "
                            "steps up to 6 GB.",
                    ),
                    ("An asynchronous endpoint with a minimum of one instance.", False, ""),
                    ("A batch transform job every minute.", False, ""),
                ],
                {},
            ),
            (
                None,
                "single",
                "Which characters survive: 5 * 3 < 20, a_b_c, `x | y`, & ampersand, <tag> and # hash?",
                [("5 * 3 < 20 & <tag>", True, ""), ("a_b_c", False, ""), ("`x | y`", False, ""), ("# hash", False, "")],
                {},
            ),
        ],
        [],
        [],
    ),
    "gx1_bom_crlf_category.gift": (
        "gift",
        [
            (
                "async-payload",
                "single",
                "A team serves a vision model whose requests carry images of up to 500 MB.\nWhich "
                    "SageMaker option accepts such payloads?",
                [
                    ("Real-time inference", False, "Real-time payloads are at most 6 MB."),
                    (
                        "Asynchronous inference",
                        True,
                        "It accepts payloads up to 1 GB from S3. Asynchronous inference queues requests and reads "
                            "their payloads from S3.",
                    ),
                    ("Serverless inference", False, "Serverless payloads are at most 4 MB."),
                    ("Batch transform on a persistent endpoint", False, "Batch transform needs no endpoint."),
                ],
                {"section": "Deployment"},
            ),
            (
                "ratio-spot-savings",
                "single",
                "What does Managed Spot Training report as savings = 1 - (billable / training)?",
                [
                    (
                        "A percentage of the training time not billed",
                        True,
                        "It is 1 - BillableTimeInSeconds / TrainingTimeInSeconds.",
                    ),
                    ("A dollar amount {per hour}", False, "It is a ratio, not dollars."),
                    ("The #number of interruptions", False, "Interruptions are not counted this way."),
                    ("A fixed 90% discount", False, "The savings depend on the Spot price and interruptions."),
                ],
                {"section": "Deployment"},
            ),
        ],
        [],
        [],
    ),
    "gx2_types_it_cannot_hold.gift": (
        "gift",
        [
            (
                "missing-word",
                "single",
                "SageMaker Serverless Inference scales _____ when there is no traffic.",
                [("up to 1000", False, ""), ("to zero", True, ""), ("to one instance", False, "")],
                {"section": "Misc"},
            ),
            (
                "pipelines",
                "single",
                "Which service builds, runs and tracks ML workflows natively in SageMaker?",
                [
                    ("SageMaker Pipelines", True, "Pipelines is SageMaker's workflow service."),
                    ("AWS Glue", False, "Glue runs ETL jobs."),
                    ("Amazon EMR", False, "EMR runs big-data clusters."),
                    ("AWS Batch", False, "Batch runs batch computing jobs."),
                ],
                {"section": "Misc"},
            ),
        ],
        [
            (4, "a description (no {answers} block) has nothing to answer"),
            (7, "a numerical question has no options to pick from"),
            (10, "a numerical question has no options to pick from"),
            (13, "a short-answer question (only '=' answers) has no options to pick from"),
            (16, "an essay question has no options to pick from"),
        ],
        [],
    ),
    "gx3_weights_truefalse_feedback.gift": (
        "gift",
        [
            (
                "ml-instances",
                "multiple",
                "Which THREE run on SageMaker ml.* instances you choose?",
                [
                    ("Notebook instances", True, "You choose the ml.* type of a notebook instance."),
                    ("Training jobs", True, "ResourceConfig.InstanceType is an ml.* type."),
                    ("Real-time endpoints", True, "The production variant names an ml.* type."),
                    ("Serverless endpoints", False, "Serverless endpoints have no instance type."),
                    ("Lambda functions", False, "Lambda functions run on Lambda, not ml.* instances."),
                ],
                {"choose": 3},
            ),
            (
                "two-of-five",
                "multiple",
                "Which TWO reduce the cost of a training job?",
                [
                    ("Managed Spot Training", True, "Spot capacity costs up to 90% less."),
                    ("A smaller instance that still fits the data", True, "Pay only for what the job needs."),
                    ("Enable inter-container traffic encryption", False, "It adds time and so cost."),
                    ("Use Pipe mode with a larger volume", False, "A larger volume costs more."),
                    ("Turn on network isolation", False, "It does not change the price."),
                ],
                {"choose": 2},
            ),
            (
                "partial",
                "single",
                "Which metric does SageMaker Model Monitor compare against a baseline for data quality?",
                [
                    (
                        "Statistics and constraints computed from the training data",
                        True,
                        "The baseline job writes them.",
                    ),
                    ("Only the model's accuracy", False, "Accuracy is model quality, not data quality."),
                    ("The endpoint's latency", False, "Latency is a CloudWatch metric."),
                    ("The training job's loss", False, "Loss is a training metric."),
                ],
                {},
            ),
            (
                "tf-feedback",
                "true_false",
                "SageMaker Serverless Inference supports GPUs.",
                [
                    ("True", False, "Wrong: serverless endpoints have no GPUs."),
                    ("False", True, "Right: serverless endpoints run on CPUs only. Use a real-time endpoint for GPUs."),
                ],
                {},
            ),
            (
                "tf-short",
                "true_false",
                "A SageMaker endpoint can scale to zero instances with inference components.",
                [("True", True, ""), ("False", False, "")],
                {},
            ),
        ],
        [],
        [
            (
                20,
                'the answer "Only the model\'s accuracy" is worth 50% in the source; here it is a wrong '
                    'option (a question is right or wrong as a whole)',
            )
        ],
    ),
    "gx4_utf8_markdown_images_multiline.gift": (
        "gift",
        [
            (
                "unicode",
                "single",
                "Quel type d'instance **ml.inf2** utilise-t-il ? (AWS Inferentia2 — « Neuron »)",
                [
                    ("AWS Inferentia2 ✓", True, "Les instances Inf2 portent des puces Inferentia2."),
                    ("NVIDIA A10G", False, "C'est la G5."),
                    ("NVIDIA T4", False, "C'est la G4dn."),
                    ("Intel Habana Gaudi", False, "C'est la DL1."),
                ],
                {},
            ),
            (
                "image",
                "single",
                "Look at the architecture:\n[image: arch.png]\nWhich component stores the model artifacts?",
                [
                    ("Amazon S3", True, ""),
                    ("Amazon ECR", False, ""),
                    ("Amazon EFS", False, ""),
                    ("AWS CodeCommit", False, ""),
                ],
                {},
            ),
            (
                "multiline-stem",
                "single",
                "A data engineer writes:\nline one of the stem,\nline two of the stem.\nWhich is right?",
                [
                    ("The first\ncontinued answer text", True, ""),
                    ("The second", False, ""),
                    ("The third", False, ""),
                    ("The fourth", False, ""),
                ],
                {},
            ),
            (
                "matching-feedback",
                "matching",
                "Match each inference option to its payload limit.",
                [
                    ("Real-time inference", "6 MB", "Limits from the SageMaker quotas page."),
                    ("Serverless inference", "4 MB", "Limits from the SageMaker quotas page."),
                    ("Asynchronous inference", "1 GB", "Limits from the SageMaker quotas page."),
                ],
                {},
            ),
        ],
        [],
        [],
    ),
    "mx1_category_tags_html.xml": (
        "moodle-xml",
        [
            (
                "vpc-only-notebook",
                "single",
                "A company requires that a SageMaker notebook instance reaches the internet only through "
                    "its VPC.\nSubnet: private\nNAT gateway: present\nWhich setting meets this?",
                [
                    (
                        "DirectInternetAccess = Disabled, with SubnetId and SecurityGroupIds set",
                        True,
                        "With direct access disabled, traffic goes through the VPC & its NAT gateway.",
                    ),
                    ("RootAccess = Disabled", False, "Root access does not change the network path."),
                    (
                        "DirectInternetAccess = Enabled, without a subnet",
                        False,
                        "That gives the SageMaker-managed internet path.",
                    ),
                    (
                        "VolumeKmsKeyId set to a customer managed key",
                        False,
                        "Encryption at rest does not route traffic.",
                    ),
                ],
                {"section": "Security", "topics": ["security", "notebooks"]},
            ),
            (
                "network-isolation",
                "true_false",
                "A training container with EnableNetworkIsolation set can still read its input from S3.",
                [
                    ("True", True, "Right. SageMaker itself downloads the input and uploads the output."),
                    ("False", False, "The container has no network, but SageMaker still moves the data."),
                ],
                {"section": "Security"},
            ),
        ],
        [],
        [],
    ),
    "mx2_weights_multiple.xml": (
        "moodle-xml",
        [
            (
                "cost-levers",
                "multiple",
                "Which THREE lower the cost of a SageMaker training job? (Select THREE.)",
                [
                    (
                        "Managed Spot Training with checkpoints",
                        True,
                        "Spot capacity is cheaper; checkpoints survive interruptions.",
                    ),
                    ("A smaller instance type that still fits the data", True, "You pay for the instance time used."),
                    ("Early stopping in a tuning job", True, "Stops training jobs that will not improve."),
                    ("A larger ML storage volume", False, "Storage costs more, not less."),
                    ("Inter-container traffic encryption", False, "It can lengthen distributed training."),
                ],
                {"choose": 3},
            ),
            (
                "two-of-five",
                "multiple",
                "Which TWO services can start a SageMaker training job as a step of a workflow?",
                [
                    ("SageMaker Pipelines", True, ""),
                    ("AWS Step Functions", True, ""),
                    ("Amazon Kinesis Data Streams", False, ""),
                    ("AWS Glue DataBrew", False, ""),
                    ("Amazon QuickSight", False, ""),
                ],
                {"choose": 2},
            ),
            (
                "partial-single",
                "single",
                "Which instance type fits a 70B-parameter model in FP16 on one instance?",
                [
                    ("ml.p4de.24xlarge", True, "8 x 80 GB A100."),
                    ("ml.g5.48xlarge", False, "8 x 24 GB A10G: 192 GB, tight."),
                    ("ml.g5.xlarge", False, "One 24 GB GPU."),
                    ("ml.c5.xlarge", False, "No GPU."),
                ],
                {},
            ),
        ],
        [],
        [
            (
                26,
                "the answer 'ml.g5.48xlarge' is worth 50% in the source; here it is a wrong option (a "
                    "question is right or wrong as a whole)",
            )
        ],
    ),
    "mx3_types_it_cannot_hold.xml": (
        "moodle-xml",
        [
            (
                "still-here",
                "single",
                "Which SageMaker feature records requests and responses of an endpoint?",
                [
                    ("Data capture", True, "DataCaptureConfig writes them to S3."),
                    ("Model cards", False, "Model cards document a model."),
                    ("Experiments", False, "Experiments track training runs."),
                    ("Feature Store", False, "Feature Store holds features."),
                ],
                {},
            ),
        ],
        [
            (3, "a question of type 'shortanswer' has no options to pick from"),
            (9, "a question of type 'numerical' has no options to pick from"),
            (14, "a question of type 'essay' has no options to pick from"),
            (18, "a question of type 'description' has no options to pick from"),
            (22, "a question of type 'cloze' has no options to pick from"),
            (26, "a question of type 'ddwtos' has no options to pick from"),
            (30, "a question of type 'calculated' has no options to pick from"),
        ],
        [],
    ),
    "mx4_matching_images_utf8.xml": (
        "moodle-xml",
        [
            (
                "limits",
                "matching",
                "Match each option to its largest request payload — « limites ».",
                [
                    ("Real-time inference", "6 MB", "From the SageMaker endpoint quotas."),
                    ("Serverless inference", "4 MB", "From the SageMaker endpoint quotas."),
                    ("Asynchronous inference", "1 GB", "From the SageMaker endpoint quotas."),
                ],
                {"distractors": ["100 MB"]},
            ),
            (
                "diagram",
                "single",
                "Look at the diagram: [image: pipeline v2.png]\nWhich step registers the model?",
                [
                    ("RegisterModel step", True, ""),
                    ("Processing step", False, ""),
                    ("Training step", False, ""),
                    ("Condition step", False, ""),
                ],
                {},
            ),
            (
                "order",
                "ordering",
                "Put the steps of a training job in order.",
                [
                    ("SageMaker launches the ML instances", ""),
                    ("It downloads the training image and the input data", ""),
                    ("The algorithm trains", ""),
                    ("SageMaker uploads the model artifact to S3", ""),
                ],
                {},
            ),
        ],
        [],
        [
            (
                13,
                "the embedded file 'pipeline v2.png' is not saved (the question shows [image: pipeline "
                    "v2.png]); give --media DIR to save it there",
            )
        ],
    ),
}


def test_every_expert_file_has_an_expectation_and_each_format_four() -> None:
    assert sorted(p.name for p in DATA.iterdir()) == sorted(CASES)
    for fmt in ("gift", "moodle-xml", "ditectrev-md"):
        assert sum(case[0] == fmt for case in CASES.values()) >= 4, fmt


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_expert_file_gives_the_expected_bank(name: str) -> None:
    fmt, expected, skipped, notes = CASES[name]
    result = import_text(read_data(DATA / name), fmt, display=name, bank_id="expert")
    assert_questions(result.bank["questions"], expected)
    assert [(p.file, p.line, p.message) for p in result.skipped] == [(name, line, words) for line, words in skipped]
    assert [(p.file, p.line, p.message) for p in result.notes] == [(name, line, words) for line, words in notes]


@pytest.mark.parametrize("fmt", [*(name for name, f in FORMATS.items() if f.writes), "apkg"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_expert_file_exports_and_imports_the_same(name: str, fmt: str, tmp_path: Path) -> None:
    from advisor.quiz.interop import import_file
    from advisor.quiz.interop.anki import write_apkg

    source_fmt = CASES[name][0]
    bank = import_text(read_data(DATA / name), source_fmt, display=name, bank_id="expert").bank
    carried = [q for q in bank["questions"] if q["type"] in FORMATS[fmt].carries]
    if fmt == "apkg":
        path = tmp_path / "again.apkg"
        path.write_bytes(write_apkg(bank))
        back = import_file(path, "apkg", display=path.name, bank_id="expert").bank["questions"]
    else:
        text, _ = export_text(bank, fmt)
        back = import_text(text, fmt, display=f"again.{fmt}", bank_id="expert").bank["questions"]

    assert [essence(q) for q in back] == [essence(q) for q in carried]
