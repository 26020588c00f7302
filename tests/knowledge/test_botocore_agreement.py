"""The knowledge agrees with botocore's own service models (the installed, pinned botocore)."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.knowledge.botocore_fields import resolve_field
from advisor.knowledge.botocore_sync import botocore_stages, botocore_version, stage_differences, sync_file
from advisor.knowledge.loader import load_knowledge, validate_knowledge
from tests.conftest import replace_in

K = load_knowledge()


def test_stages_agree_with_botocore_enums() -> None:
    differences = stage_differences({t.name: t.stages for t in K.instance_types})
    assert not differences, "run `advisor kb sync-botocore`:\n" + "\n".join(map(str, differences))
    assert K.botocore_version == botocore_version()


@pytest.mark.parametrize("control", K.security_controls, ids=lambda c: c.id)
def test_every_security_field_resolves_in_botocore(control) -> None:  # type: ignore[no-untyped-def]
    for setting in control.settings:
        shape = resolve_field(setting.service, setting.operation, setting.field)
        if setting.value is not None and getattr(shape, "enum", None):
            assert setting.value in shape.enum, f"{setting.path}: {setting.value!r} not in {shape.enum}"


def test_a_misspelt_field_does_not_resolve() -> None:
    with pytest.raises(LookupError, match=r"CreateTrainingJob\.ResourceConfig has no member 'VolumeKmsKey'"):
        resolve_field("sagemaker", "CreateTrainingJob", "ResourceConfig.VolumeKmsKey")


def test_sync_rewrites_only_stages_and_keeps_comments(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    truth = botocore_stages()["ml.m5.xlarge"]
    replace_in(path, "# yaml-language-server", "# a comment that must survive\n# yaml-language-server")
    before = path.read_text()
    start = before.index("name: ml.m5.xlarge")
    stages_at = before.index("stages: [", start)
    end = before.index("]", stages_at) + 1
    path.write_text(before[:stages_at] + "stages: [notebook]" + before[end:])
    assert [c.instance_type for c in stage_differences(
        {t.name: t.stages for t in validate_knowledge(rules_copy).instance_types})] == ["ml.m5.xlarge"]
    changes = sync_file(path)
    assert [(c.instance_type, c.after) for c in changes] == [("ml.m5.xlarge", truth)]
    assert path.read_text() == before


def test_regions_are_botocores_sagemaker_regions() -> None:
    import botocore.session

    expected = set(botocore.session.get_session().get_available_regions("sagemaker"))
    assert {r.code for r in K.regions} == expected


def test_knowledge_has_every_type_botocore_lists_and_no_other() -> None:
    from advisor.knowledge.botocore_sync import missing_types

    known = {t.name for t in K.instance_types}
    assert not missing_types(known), "run `advisor kb sync-botocore --write`"
    assert not known - set(botocore_stages()), "types botocore no longer lists"
    assert len(known) == 385  # botocore 1.44.5's five enums
