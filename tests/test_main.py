"""A Ctrl+C is never a traceback: exit 130 and one line, "interrupted", however early or late it comes.

Real processes, started as the installed `advisor` script starts (the installer's template, which imports
`advisor.__main__`) and as `python -m advisor`; SIGINT sent at chosen points while the advisor's modules load, at
several delays once the advisor's first module is in, and while the interpreter exits after the command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKLOAD = str(ROOT / "examples" / "workloads" / "fraud-detector.yaml")
COMMAND = ["recommend", WORKLOAD]
# What pip (and uv) write into bin/advisor for the entry point `advisor.__main__:main`.
SCRIPT = "import re, sys\nfrom advisor.__main__ import main\nsys.argv[0] = 'advisor'\nsys.exit(main())\n"


def test_the_installed_script_starts_in_the_module_that_guards_the_start() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["advisor"] == "advisor.__main__:main"


def _interrupted_at_import(module: str, how: list[str]) -> subprocess.CompletedProcess[str]:
    """The command, sent SIGINT by itself the moment `import module` begins (an audit hook: no timing)."""
    hook = (f"import os, signal, sys\n"
            f"def hook(event, args):\n"
            f"    if event == 'import' and args[0] == {module!r}:\n"
            f"        os.kill(os.getpid(), signal.SIGINT)\n"
            f"sys.addaudithook(hook)\n")
    code = hook + (SCRIPT if how == ["script"] else "import runpy\nrunpy.run_module('advisor', run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", code, *COMMAND], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())


@pytest.mark.slow
@pytest.mark.parametrize("how", [["script"], ["-m"]])
@pytest.mark.parametrize("module", [
    "advisor.cli",        # the command line's own handler is not there yet
    "argparse",
    "advisor.errors",
    "advisor.render",
    "pydantic",
    "advisor.recommend.advisor",  # while the command runs: its own handler
    "uuid",  # while the command runs, inside orjson's native initialisation (a KeyboardInterrupt there segfaulted)
])
def test_a_ctrl_c_while_the_advisor_loads_is_one_line_and_exit_130(module: str, how: list[str]) -> None:
    result = _interrupted_at_import(module, how)
    assert (result.returncode, result.stderr) == (130, "interrupted\n")


@pytest.mark.slow
def test_a_ctrl_c_while_the_interpreter_exits_is_one_line_and_the_output_is_whole() -> None:
    """After the command returned, the interpreter runs exit handlers and flushes output: an interrupt there
    (an atexit handler that signals itself) is the same one line, after every line the command printed."""
    code = ("import atexit, os, signal, time\n"
            "def late():\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    time.sleep(5)\n"
            "atexit.register(late)\n" + SCRIPT)
    result = subprocess.run([sys.executable, "-c", code, *COMMAND, "--format", "json"], capture_output=True,
                            text=True, timeout=120, env=os.environ.copy())
    assert (result.returncode, result.stderr) == (130, "interrupted\n")
    assert result.stdout.rstrip().endswith("}")  # the JSON, whole


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
def test_a_ctrl_c_at_any_delay_after_the_start_is_one_line_and_exit_130(delay: float) -> None:
    """Real timing. The clock starts when Python reports `advisor` imported (-X importtime writes a line as each
    module finishes): what comes before is the interpreter's own start-up, which no program controls."""
    process = subprocess.Popen([sys.executable, "-X", "importtime", "-c", SCRIPT, *COMMAND],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert process.stderr is not None
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if line.rstrip().endswith("| advisor.__main__"):
            break
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    process.wait(timeout=120)
    said = [line for line in rest.splitlines() if not line.startswith("import time:")]
    if process.returncode == 0:  # finished before the signal came: nothing to say
        assert said == []
    else:
        assert (process.returncode, said) == (130, ["interrupted"]), "".join(seen[-3:]) + rest[-2000:]


def test_a_ctrl_c_native_code_could_not_pass_on_is_one_line_and_exit_130() -> None:
    """pydantic-core, interrupted while it checked a pattern, reported the KeyboardInterrupt as 'Exception ignored'
    and the check as failed: a Ctrl+C became a dozen knowledge errors and exit 2. An unraisable KeyboardInterrupt
    now ends the process as a Ctrl+C does (made here by a __del__, which Python reports the same way)."""
    script = ("import sys\nfrom advisor.__main__ import _unraisable\nsys.unraisablehook = _unraisable\n"
              "class Late:\n    def __del__(self):\n        raise KeyboardInterrupt\n"
              "Late()\nprint('went on')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (130, "interrupted\n", "")
    other = script.replace("raise KeyboardInterrupt", "raise ValueError('x')")
    done = subprocess.run([sys.executable, "-c", other], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "went on" in done.stdout and "ValueError" in done.stderr
