"""Runs one Automation API operation on an inline Python program for the Go test harness.

Usage: .venv/bin/python tests/python/driver.py REQUEST.json RESULT.json

REQUEST names the module file and the function in it that is the program, the stack, and the
operation. RESULT receives the engine events (in the engine's own JSON shape, so that the harness
summarises every language the same way), the stack outputs after an up, the error message if
the operation failed, and how long the operation's Automation API call took. The world
(PULUMI_HOME, backend, passphrase, plugins) comes from the environment.
"""

import importlib.util
import json
import sys
import time
from enum import Enum
from pathlib import Path

from pulumi import automation as auto


def load_program(module_path, name):
    spec = importlib.util.spec_from_file_location(Path(module_path).stem, module_path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {module_path}")
    module = importlib.util.module_from_spec(spec)
    # Let the module import its siblings.
    sys.path.insert(0, str(Path(module_path).parent))
    spec.loader.exec_module(module)
    program = getattr(module, name, None)
    if not callable(program):
        raise RuntimeError(f"{module_path} has no function {name}")
    return program


def _value(v):
    return v.value if isinstance(v, Enum) else v


def _metadata(m):
    return {"op": _value(m.op), "urn": m.urn, "type": m.type}


def engine_event_json(e):
    """The fields of an engine event that the harness reads, in the engine's JSON shape."""
    out = {"sequence": e.sequence, "timestamp": e.timestamp}
    if e.diagnostic_event is not None:
        d = e.diagnostic_event
        out["diagnosticEvent"] = {
            "urn": d.urn or "",
            "prefix": d.prefix or "",
            "message": d.message,
            "color": d.color,
            "severity": d.severity,
            "ephemeral": bool(d.ephemeral),
        }
    if e.resource_pre_event is not None:
        out["resourcePreEvent"] = {"metadata": _metadata(e.resource_pre_event.metadata)}
    if e.res_outputs_event is not None:
        out["resOutputsEvent"] = {"metadata": _metadata(e.res_outputs_event.metadata)}
    if e.res_op_failed_event is not None:
        out["resOpFailedEvent"] = {"metadata": _metadata(e.res_op_failed_event.metadata)}
    if e.summary_event is not None:
        changes = e.summary_event.resource_changes or {}
        out["summaryEvent"] = {"resourceChanges": {_value(k): n for k, n in changes.items()}}
    return out


def run(req, result):
    program = load_program(req["module"], req["export"])
    stack = auto.create_or_select_stack(
        stack_name=req["stack"],
        project_name=req["project"],
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=req["workDir"],
            pulumi_command=auto.PulumiCommand(root=req["pulumiRoot"]),
            project_settings=auto.ProjectSettings(
                name=req["project"],
                runtime="python",
                backend=auto.ProjectBackend(url=req["backendUrl"]),
            ),
            secrets_provider="passphrase",
        ),
    )
    config = req.get("config") or {}
    if config:
        stack.set_all_config(
            {k: auto.ConfigValue(value=v["value"], secret=v.get("secret", False)) for k, v in config.items()}
        )

    def on_event(e):
        result["events"].append(engine_event_json(e))

    common = {"on_event": on_event, "on_output": print, "color": "never"}
    op = req["operation"]
    start = time.perf_counter()
    if op == "preview":
        stack.preview(**common)
    elif op == "up":
        res = stack.up(**common)
        result["outputs"] = {k: {"value": o.value, "secret": o.secret} for k, o in res.outputs.items()}
    elif op == "refresh":
        stack.refresh(**common)
    elif op == "destroy":
        stack.destroy(**common)
    else:
        raise RuntimeError(f"unknown operation {op}")
    result["elapsedMs"] = (time.perf_counter() - start) * 1000


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: driver.py REQUEST.json RESULT.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)
    result = {"events": [], "outputs": None, "error": "", "elapsedMs": 0}
    try:
        run(req, result)
    except Exception as e:  # the harness reports the message; the driver itself succeeded
        result["error"] = str(e) or repr(e)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
