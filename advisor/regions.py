"""Whether a region code is one SageMaker runs in, and if not, what was meant: asked by a workload's checks and by
every command's --region before any other work. Apart from the workload model (pydantic) and the knowledge's
records, so a command that only checks a region (`audit --live --region`) loads neither: it passes the codes."""

from __future__ import annotations

from collections.abc import Collection


def _other_partition(region: str) -> str | None:
    """Where a region outside the commercial partition lives, in words ("a Region of the aws-us-gov partition, AWS
    GovCloud (US-West)"), from botocore's partitions.json, the source of truth for partitions; None when no other
    partition lists it. Read only to word an error, so the file is opened only then."""
    import json
    from importlib import resources

    try:
        data = json.loads((resources.files("botocore") / "data" / "partitions.json").read_text())
    except (OSError, ValueError):
        return None
    for partition in data.get("partitions", ()):
        regions = partition.get("regions", {})
        if partition.get("id") != "aws" and region in regions:
            name = regions[region].get("description")
            return f"a Region of the {partition['id']} partition" + (f", {name}" if name else "")
    return None


def region_problem(region: str, codes: Collection[str]) -> tuple[str, str] | None:
    """(message, hint) when `region` is none of the knowledge's region `codes`, else None: the closest codes and
    the whole list, so a user who typed `eu-west1` or a region SageMaker does not run in need not look them up."""
    if region in codes:
        return None
    import difflib  # deferred: needed only to word this error

    codes = sorted(codes)
    listed = f"SageMaker's Regions: {', '.join(codes)}"
    typed = region.strip().lower()  # `EU-WEST-1`, ` us-gov-west-1`: the code itself, not its nearest neighbours
    other = _other_partition(typed)
    if other:
        return (f"{region!r} is {other}, which the advisor does not cover: its regions and prices are the "
                f"commercial partition's (aws)", f"a commercial Region; {listed}")
    close = [typed] if typed in codes else sorted(difflib.get_close_matches(typed, codes, n=2, cutoff=0.6))
    guess = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{region!r} is not a region where SageMaker runs", guess + listed
