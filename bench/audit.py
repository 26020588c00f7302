"""`advisor audit` as whole processes: a generated 500-resource CloudFormation template and a 200-file
Terraform tree, beside `python -c "import yaml"` (the floor: an audit imports no pydantic) measured in the same
run, and beside checkov on the same files when checkov is installed.

Targets (issue 14): under 1 s each on this machine; at least 20x faster than checkov on the same files in one run.
Run: python bench/audit.py [--runs N] [--checkov PATH] [--checkov-runs N]

The knowledge cache is warmed first. Exit codes 0 and 1 (findings) both count as a completed audit. Beside the
wall time, the CPU time (user + system, children included) of the process is printed: on a shared machine the
wall time measures the neighbours as much as the audit. Terraform is timed twice: cold (python-hcl2's parse
cache cleared before the run: a CI job's first audit) and cached (an unchanged tree audited again).

checkov is not a dependency of this project: install it in a virtual environment of its own
(`python -m venv /tmp/checkov && /tmp/checkov/bin/pip install checkov`) and pass `--checkov
/tmp/checkov/bin/checkov`, or have `checkov` on PATH. It runs offline (`--skip-download`, no package update check,
no guideline mapping) so that neither tool is timed waiting on the network; it is compared with the cold audit
(and, for information, the cached one: checkov keeps no parse cache). checkov parses Terraform with
bc-python-hcl2, a fork of the python-hcl2 the audit uses, on the same lark parser.

The parsers the issue names set a floor no audit built on them can go under: the bench times each alone, in a
process of its own (cfn-lint's template decoder on the template; python-hcl2 importing, loading its parser and
parsing the 200 files), adds the `import yaml` process floor, and prints that against checkov's time / 20.

The advisor package is byte-compiled first, as `pip install` does for a wheel: a source checkout under
PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every run (about 10% of an audit's
instructions), which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import advisor_command

TARGET = 1.0
CHECKOV_RATIO_TARGET = 20.0
#: checkov offline: no Prisma Cloud guidelines, no update check (this machine has no network to wait on).
CHECKOV_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}

CFN_RESOURCES = {
    "AWS::SageMaker::NotebookInstance": "      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::1:role/r\n"
                                        "      DirectInternetAccess: Disabled\n      KmsKeyId: !Ref Key\n",
    "AWS::SageMaker::Model": "      ExecutionRoleArn: arn:aws:iam::1:role/r\n      EnableNetworkIsolation: true\n"
                             "      PrimaryContainer:\n        Image: 1.dkr.ecr.us-east-1.amazonaws.com/m:1\n",
    "AWS::SageMaker::EndpointConfig": "      ProductionVariants:\n        - ModelName: m\n          VariantName: a\n"
                                      "          InitialInstanceCount: 1\n          InstanceType: ml.m5.large\n",
    "AWS::Lambda::Function": "      Runtime: python3.13\n      Handler: app.handler\n"
                             "      Role: arn:aws:iam::1:role/r\n"
                             "      Code: {ZipFile: 'def handler(e, c): return 1'}\n"
                             "      Environment:\n        Variables:\n          STAGE: prod\n",
}

TF_FILE = '''resource "aws_sagemaker_notebook_instance" "nb{i}" {{
  name          = "nb{i}"
  role_arn      = aws_iam_role.r.arn
  instance_type = "ml.t3.medium"
  root_access   = "Disabled"
  instance_metadata_service_configuration {{
    minimum_instance_metadata_service_version = "2"
  }}
}}

resource "aws_lambda_function" "fn{i}" {{
  function_name = "fn{i}"
  runtime       = "python3.13"
  role          = aws_iam_role.r.arn
  tracing_config {{
    mode = "Active"
  }}
  environment {{
    variables = {{ STAGE = "prod" }}
  }}
}}

resource "aws_sagemaker_model" "m{i}" {{
  name                     = "m{i}"
  execution_role_arn       = aws_iam_role.r.arn
  enable_network_isolation = true
  primary_container {{
    image = "1.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }}
}}
'''


def make_inputs(folder: Path) -> tuple[Path, Path]:
    types = list(CFN_RESOURCES)
    body = ["AWSTemplateFormatVersion: '2010-09-09'", "Parameters:", "  Key: {Type: String}", "Resources:"]
    for i in range(500):
        kind = types[i % len(types)]
        body += [f"  R{i}:", f"    Type: {kind}", "    Properties:", CFN_RESOURCES[kind].rstrip("\n")]
    template = folder / "template.yaml"
    template.write_text("\n".join(body) + "\n")
    tree = folder / "terraform"
    for i in range(200):
        module = tree / f"module{i // 20}"
        module.mkdir(parents=True, exist_ok=True)
        (module / f"main{i}.tf").write_text(TF_FILE.format(i=i))
    return template, tree


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {run.returncode}: {run.stderr[-400:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: The named parsers alone, each in a process of its own; each prints the wall and CPU seconds its parse took.
CFN_DECODE = """import sys, time
from advisor.audit.readers.cloudformation import _decoders
text = open(sys.argv[1], encoding="utf-8").read()
cfn_yaml, _ = _decoders()
start, cpu = time.perf_counter(), time.process_time()
cfn_yaml.loads(text)
print(time.perf_counter() - start, time.process_time() - cpu)
"""
HCL2_PARSE = """import sys, time
from pathlib import Path
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.tf"))]
start, cpu = time.perf_counter(), time.process_time()
import hcl2
for text in texts:
    hcl2.loads(text, with_meta=True)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def parse_seconds(code: str, path: Path, runs: int) -> tuple[float, float]:
    """Median (wall, cpu) seconds one of the snippets above reports (its imports of the audit's modules excluded)."""
    took = [tuple(map(float, subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                                            check=True).stdout.split())) for _ in range(runs)]
    return statistics.median(t[0] for t in took), statistics.median(t[1] for t in took)


def find_checkov(given: str | None) -> str | None:
    if given:
        return given if Path(given).exists() else None
    return os.environ.get("CHECKOV") or shutil.which("checkov")


def checkov_commands(checkov: str, template: Path, tree: Path) -> dict[str, list[str]]:
    common = ["-o", "json", "--quiet", "--compact", "--skip-download"]
    return {"checkov cfn": [checkov, "-f", str(template), "--framework", "cloudformation", *common],
            "checkov terraform": [checkov, "-d", str(tree), "--framework", "terraform", *common]}


def checkov_resources(cmd: list[str], env: dict[str, str]) -> int:
    """How many resources checkov read: a comparison with a checkov that parsed nothing would mean nothing."""
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"checkov printed no JSON (exit {run.returncode}): {run.stderr[-400:]}") from None
    reports = data if isinstance(data, list) else [data]
    return sum(int(r.get("summary", {}).get("resource_count", 0)) for r in reports)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--checkov", metavar="PATH", help="the checkov script (default: $CHECKOV, or on PATH)")
    parser.add_argument("--checkov-runs", type=int, default=3, help="checkov takes seconds a run: fewer runs")
    args = parser.parse_args()
    env = os.environ.copy()
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")
    cache = Path(env["ADVISOR_CACHE_DIR"])
    advisor_package = Path(__file__).resolve().parents[1] / "advisor"
    compileall.compile_dir(advisor_package, quiet=1)  # as pip does when it installs the wheel
    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-audit-"))
    template, tree = make_inputs(folder)
    advisor = advisor_command()
    cmds = {
        "cfn (500 resources)": [*advisor, "audit", str(template), "--format", "json"],
        "terraform (200 files), cold": [*advisor, "audit", str(tree), "--format", "json"],
        "terraform (200 files), cached": [*advisor, "audit", str(tree), "--format", "json"],
        "python -c 'import yaml'": [sys.executable, "-c", "import yaml"],
    }
    checkov = find_checkov(args.checkov)
    checkov_cmds = checkov_commands(checkov, template, tree) if checkov else {}
    checkov_env = {**env, **CHECKOV_ENV}
    for cmd in cmds.values():  # warm the knowledge cache and the OS file cache
        timed(cmd, env)
    seen = {name: checkov_resources(cmd, checkov_env) for name, cmd in checkov_cmds.items()}  # also warms checkov
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in [*cmds, *checkov_cmds]}
    for round_ in range(args.runs):
        for name, cmd in cmds.items():
            if name.endswith("cold"):
                for parse_cache in cache.glob("hcl2-*"):
                    shutil.rmtree(parse_cache, ignore_errors=True)
            samples[name].append(timed(cmd, env))
        if round_ < args.checkov_runs:
            for name, cmd in checkov_cmds.items():
                samples[name].append(timed(cmd, checkov_env))
    median = {name: (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
              for name, values in samples.items() if values}
    for name, (wall, cpu) in median.items():
        runs = len(samples[name])
        verdict = "" if not name.startswith(("cfn", "terraform")) else \
            f"  (target < {TARGET:.0f} s: {'OK' if wall < TARGET else 'OVER TARGET'})"
        print(f"{name:36s} median wall {wall * 1000:6.0f} ms, cpu {cpu * 1000:6.0f} ms over {runs} runs{verdict}")
    if not checkov:
        print("checkov: not found, comparison skipped. It is not a dependency of this project: "
              "python -m venv /tmp/checkov && /tmp/checkov/bin/pip install checkov, then --checkov "
              "/tmp/checkov/bin/checkov")
        return 0
    version = subprocess.run([checkov, "--version"], capture_output=True, text=True, env=checkov_env).stdout.strip()
    print(f"checkov {version} read {seen['checkov cfn']} and {seen['checkov terraform']} resources "
          f"(the audit: 500 and 600)")
    for ours, theirs in (("cfn (500 resources)", "checkov cfn"), ("terraform (200 files), cold", "checkov terraform"),
                         ("terraform (200 files), cached", "checkov terraform")):
        wall = median[theirs][0] / median[ours][0]
        cpu = median[theirs][1] / median[ours][1]
        print(f"{theirs:36s} / {ours}: {wall:5.1f}x wall, {cpu:5.1f}x cpu (target >= {CHECKOV_RATIO_TARGET:.0f}x: "
              f"{'OK' if min(wall, cpu) >= CHECKOV_RATIO_TARGET else 'UNDER TARGET'})")
    print_floor(median, template, tree, args.runs)
    return 0


def print_floor(median: dict[str, tuple[float, float]], template: Path, tree: Path, runs: int) -> None:
    """What the parsers the issue names take alone, against checkov / 20: an audit built on them cannot be
    faster than starting Python (the `import yaml` process) plus their parse."""
    start = median["python -c 'import yaml'"]
    print(f"the named parsers alone (median of {runs}, each in a process of its own), plus starting Python with yaml "
          f"({start[0] * 1000:.0f} ms wall, {start[1] * 1000:.0f} ms cpu), against checkov / 20:")
    for what, code, path, theirs in (
            ("cfn-lint's decoder, the template", CFN_DECODE, template, "checkov cfn"),
            ("python-hcl2: import, parser, 200 files", HCL2_PARSE, tree, "checkov terraform")):
        parse = parse_seconds(code, path, runs)
        floor = (start[0] + parse[0], start[1] + parse[1])
        budget = (median[theirs][0] / CHECKOV_RATIO_TARGET, median[theirs][1] / CHECKOV_RATIO_TARGET)
        best = min(median[theirs][0] / floor[0], median[theirs][1] / floor[1])
        verdict = (f"20x leaves {min(budget[0] - floor[0], budget[1] - floor[1]) * 1000:.0f} ms for the rest"
                   if best >= CHECKOV_RATIO_TARGET else f"20x out of reach: at best {best:.1f}x with this parser")
        print(f"  {what:40s} parse {parse[0] * 1000:4.0f}/{parse[1] * 1000:4.0f} ms, with the start "
              f"{floor[0] * 1000:4.0f}/{floor[1] * 1000:4.0f} ms; {theirs} / 20 {budget[0] * 1000:4.0f}/"
              f"{budget[1] * 1000:4.0f} ms (wall/cpu): {verdict}")


if __name__ == "__main__":
    sys.exit(main())
