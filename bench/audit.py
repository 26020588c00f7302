"""`advisor audit` as whole processes: a generated 500-resource CloudFormation template and a 200-file
Terraform tree, beside `python -c "import pydantic, yaml"` measured in the same run.

Target (issue 14): under 1 s each on this machine. Run: python bench/audit.py [--runs N]
The knowledge cache is warmed first. Exit codes 0 and 1 (findings) both count as a completed audit. Beside the
wall time, the CPU time (user + system) of the process is printed: on a shared machine the wall time measures
the neighbours as much as the audit. The Terraform figure is with python-hcl2's parses cached (the second
audit of an unchanged tree, as in CI); `--cold` clears that cache before every run.
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="clear the HCL parse cache before every run")
    args = parser.parse_args()
    env = os.environ.copy()
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")
    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-audit-"))
    template, tree = make_inputs(folder)
    advisor = advisor_command()
    cmds = {
        "cfn (500 resources)": [*advisor, "audit", str(template), "--format", "json"],
        "terraform (200 files)": [*advisor, "audit", str(tree), "--format", "json"],
        "python -c 'import pydantic, yaml'": [sys.executable, "-c", "import pydantic, yaml"],
    }
    for cmd in cmds.values():  # warm the knowledge cache and the OS file cache
        timed(cmd, env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            if args.cold:
                shutil.rmtree(Path(env["ADVISOR_CACHE_DIR"]) / "hcl2-7.3.1", ignore_errors=True)
            samples[name].append(timed(cmd, env))
    for name, values in samples.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        verdict = "" if name.startswith("python") else f"  (target < {TARGET:.0f} s: " \
                                                         f"{'OK' if wall < TARGET else 'OVER TARGET'})"
        print(f"{name:36s} median wall {wall * 1000:6.0f} ms, cpu {cpu * 1000:6.0f} ms over {args.runs} runs"
              f"{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
