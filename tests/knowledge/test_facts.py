"""The shipped knowledge says what the chapter and today's AWS say (spot checks of facts that matter)."""

from __future__ import annotations

from advisor.knowledge.loader import load_knowledge

K = load_knowledge()


def test_every_family_the_chapter_teaches_is_there_with_its_mnemonic() -> None:
    names = {f.id: f.chapter_name for f in K.families}
    assert names["t"] == "T = Tiny" and names["m"] == "M = Medium" and names["c"] == "C = Compute"
    chapter = {f.id for f in K.families if f.chapter_name}
    assert {f.id for f in K.families if f.processor == "cpu"} & chapter == {"t", "m", "r", "c"}
    assert {f.id for f in K.families if f.processor == "gpu"} & chapter == {"p", "g"}


def test_variant_families_say_what_sets_them_apart() -> None:
    assert {K.family(f).arch for f in ("m-graviton", "c-graviton", "r-graviton", "p-grace")} == {"arm64"}
    assert all(t.instance_storage_gb > 0 for t in K.instance_types if t.family.endswith("-nvme"))
    assert K.instance_type("ml.c6in.32xlarge").network_gbps == 200
    assert {t.status for t in K.instance_types if t.generation in ("p2", "m4", "c4")} == {"previous"}


def test_elastic_inference_is_retired_and_has_no_types() -> None:
    eia = K.family("eia")
    assert eia.status == "retired" and "2023-04-15" in (eia.today or "")
    assert not [t for t in K.instance_types if t.family == "eia"]


def test_instance_type_figures() -> None:
    c5 = K.instance_type("ml.c5.2xlarge")
    assert (c5.vcpu, c5.memory_gib) == (8, 16)  # the chapter's Table 9.1 example
    p3dn = K.instance_type("ml.p3dn.24xlarge")
    assert p3dn.accelerator and (p3dn.accelerator.count, p3dn.accelerator.memory_gib) == (8, 256)
    p4de = K.instance_type("ml.p4de.24xlarge").accelerator
    assert p4de and (p4de.model, p4de.count, p4de.memory_gib_per_device) == ("A100", 8, 80)
    g5 = K.instance_type("ml.g5.xlarge").accelerator
    assert g5 and g5.memory_gib_per_device == 22.35  # EC2 reports 22,888 MiB for the "24 GB" A10G
    trn2 = K.instance_type("ml.trn2.48xlarge").accelerator
    assert trn2 and (trn2.model, trn2.count, trn2.memory_gib) == ("Trainium2", 16, 1536)
    assert "hosting" not in K.instance_type("ml.t3.medium").stages


def test_generations_required_by_the_issue_are_present() -> None:
    generations = {t.generation for t in K.instance_types}
    assert generations >= {"t3", "m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "r7i", "p3", "p4d", "p5",
                           "g4dn", "g5", "g6", "inf1", "inf2", "trn1", "g6e", "g7", "g7e", "p4de", "p5e", "p5en",
                           "p6-b200", "p6-b300", "p6e-gb200", "trn1n", "trn2", "dl1", "p2"}


def test_accelerator_capabilities() -> None:
    acc = {a.model: a for a in K.accelerators}
    assert not acc["Inferentia"].decoder_llms and acc["Inferentia2"].decoder_llms
    assert all(a.needs_compilation and not a.stock_containers for a in acc.values() if a.vendor == "aws")
    assert acc["H100"].fp8 and not acc["A100"].fp8 and acc["A100"].bf16 and not acc["T4"].bf16
    assert acc["A10G"].cuda_compute_capability == "8.6" and acc["Trainium2"].neuron_generation == 3
    assert acc["A100"].memory_gib_per_device == (40, 80)


def test_lambda_limits_have_chapter_and_today() -> None:
    tmp = K.lambda_limit("ephemeral_storage")
    assert tmp.chapter and tmp.chapter.max == 512 and tmp.today.max == 10240 and tmp.changed
    assert K.lambda_limit("timeout").today.max == 900
    assert K.lambda_limit("burst_concurrency").changed
    assert {x.id for x in K.lambda_limits} >= {"memory", "timeout", "layers", "burst_concurrency", "package_zipped",
                                               "package_unzipped", "container_image", "ephemeral_storage",
                                               "payload_sync", "payload_async", "environment_variables", "gpu"}


def test_exam_blueprints() -> None:
    mls = K.exam("MLS-C01")
    assert mls.status == "retired" and str(mls.retired_on) == "2026-03-31" and mls.successor == "MLA-C01"
    assert (mls.minutes, mls.pass_mark) == (180, 750)
    assert (K.exam("MLA-C01").minutes, K.exam("MLA-C01").pass_mark) == (130, 720)


def test_notebook_controls_match_the_chapter() -> None:
    fields = {(s.operation, s.field): s.value for c in K.security_controls for s in c.settings}
    assert fields[("CreateNotebookInstance", "RootAccess")] == "Disabled"
    assert fields[("CreateNotebookInstance", "DirectInternetAccess")] == "Disabled"
    for op in ("CreateTrainingJob", "CreateModel"):
        assert fields[(op, "EnableNetworkIsolation")] is True
    assert fields[("CreateHyperParameterTuningJob", "TrainingJobDefinition.EnableNetworkIsolation")] is True


def test_instance_storage() -> None:
    assert K.instance_type("ml.g4dn.xlarge").instance_storage_gb == 125
    assert K.instance_type("ml.p4d.24xlarge").instance_storage_gb == 8000
    assert K.instance_type("ml.m5.xlarge").instance_storage_gb == 0
    with_storage = {t.family for t in K.instance_types if t.instance_storage_gb}
    assert with_storage == {"g", "p", "p-grace", "trn", "dl", "m-nvme", "c-nvme", "r-nvme", "m-graviton",
                            "c-graviton", "r-graviton"} and K.instance_type("ml.p3.2xlarge").instance_storage_gb == 0
