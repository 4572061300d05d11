#!/usr/bin/env python3
"""Checks the GitHub Actions workflows for what matters to this project, beyond YAML syntax.

Every workflow: a name, triggers, explicit minimal top-level `permissions`, jobs with a
runner, a timeout and steps, actions pinned to a version, no `${{ github.event... }}` pasted
into shell scripts. The nightly workflow (the one with a schedule): schedule + manual trigger,
exactly `contents: write` + `issues: write`, a concurrency group that never cancels, caches,
the reports artifact, a step summary -- and, by running its shell steps against a stub
`awesome-health`, that exit 1 keeps the job green, that exits 2 and 3 and a crash turn it red,
and that only exits 0 and 1 commit the reports and touch the issue.

Usage: check_workflows.py WORKFLOW.yml...   Exit 0 when all pass, 1 otherwise.
"""
import os
import re
import stat
import subprocess
import sys
import tempfile

import yaml

ALLOWED_PERMISSION_VALUES = {"read", "write", "none"}
NIGHTLY_PERMISSIONS = {"contents": "write", "issues": "write"}
# (check exit status, job should be green, reports committed and issue updated)
STATUSES = [(0, True, True), (1, True, True), (2, False, False), (3, False, False), (139, False, False)]

failures = []


def fail(path, message):
    failures.append(f"{path}: {message}")


def triggers_of(doc):
    # PyYAML reads the bare key `on` as the YAML 1.1 boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {t: None for t in on}
    return on if isinstance(on, dict) else {}


def valid_cron(expr):
    fields = str(expr).split()
    return len(fields) == 5 and all(re.fullmatch(r"[0-9*/,\-A-Za-z]+", f) for f in fields)


def check_common(path, doc):
    if not doc.get("name"):
        fail(path, "no workflow name")
    if not triggers_of(doc):
        fail(path, "no `on:` triggers")
    perms = doc.get("permissions")
    if perms is None:
        fail(path, "no top-level `permissions`: GITHUB_TOKEN would get the repository default")
    elif not isinstance(perms, dict):
        fail(path, f"`permissions: {perms}` is not an explicit list of scopes")
    else:
        for scope, value in perms.items():
            if value not in ALLOWED_PERMISSION_VALUES:
                fail(path, f"permission {scope}: {value!r} is not read/write/none")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        fail(path, "no jobs")
        return
    for name, job in jobs.items():
        if "permissions" in job and job["permissions"] in ("write-all", "read-all"):
            fail(path, f"job {name}: broad permissions {job['permissions']}")
        if not job.get("runs-on"):
            fail(path, f"job {name}: no runs-on")
        if "timeout-minutes" not in job:
            fail(path, f"job {name}: no timeout-minutes (the default is 6 hours)")
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            fail(path, f"job {name}: no steps")
            continue
        for step in steps:
            uses = step.get("uses")
            if uses and "@" not in uses:
                fail(path, f"job {name}: `uses: {uses}` is not pinned to a version")
            run = step.get("run", "")
            if "${{" in run and "github.event" in run:
                fail(path, f"job {name}: step {step.get('name')!r} pastes github.event into a script (injection)")


def stub_binary(directory, status):
    build = os.path.join(directory, "build")
    os.makedirs(build, exist_ok=True)
    stub = os.path.join(build, "awesome-health")
    with open(stub, "w") as f:
        f.write("#!/bin/sh\n")
        if status >= 128:
            f.write(f"kill -{status - 128} $$\n")  # a crash: killed by a signal
        f.write(f"exit {status}\n")
    os.chmod(stub, os.stat(stub).st_mode | stat.S_IXUSR)


def run_script(script, directory, env_extra):
    """Runs a step's script as GitHub does for `shell: bash`: bash --noprofile --norc -eo pipefail."""
    env = dict(os.environ)
    env.update(env_extra)
    with tempfile.NamedTemporaryFile("w", suffix=".sh", dir=directory, delete=False) as f:
        f.write(script)
        name = f.name
    try:
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", name], cwd=directory, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30).returncode
    finally:
        os.unlink(name)


def evaluate_if(condition, check_id, status):
    """Evaluates a step `if:` over the check status; only simple comparisons are understood."""
    if condition is None:
        return "success"
    expr = str(condition).strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    if expr in ("always()", "failure()", "success()", "cancelled()"):
        return expr[:-2]
    expr = expr.replace(f"steps.{check_id}.outputs.status", repr(str(status)))
    if not re.fullmatch(r"[\s'0-9a-z=!()|&]*", expr):
        raise ValueError(f"cannot evaluate `if: {condition}`")
    expr = expr.replace("||", " or ").replace("&&", " and ").replace("!=", " != ")
    return "success" if eval(expr, {"__builtins__": {}}, {}) else "skip"


def runs_tool(step, command):
    """Whether the step's script runs `.../awesome-health COMMAND` (not merely mentions it)."""
    return re.search(rf"(^|[\s;&|(])\S*/awesome-health\s+{command}\b", step.get("run", ""), re.M) is not None


def check_nightly(path, doc):
    on = triggers_of(doc)
    schedule = on.get("schedule")
    if not isinstance(schedule, list) or not schedule or not all(valid_cron(s.get("cron", "")) for s in schedule):
        fail(path, "`on.schedule` needs at least one valid 5-field cron")
    if "workflow_dispatch" not in on:
        fail(path, "no `workflow_dispatch` (a maintainer cannot start a run by hand)")
    if doc.get("permissions") != NIGHTLY_PERMISSIONS:
        fail(path, f"permissions must be exactly {NIGHTLY_PERMISSIONS}, found {doc.get('permissions')}")
    concurrency = doc.get("concurrency")
    if not isinstance(concurrency, dict) or not concurrency.get("group"):
        fail(path, "no concurrency group: two runs could race for the snapshot and the issue")
    elif concurrency.get("cancel-in-progress") is not False:
        fail(path, "concurrency must not cancel a run in progress")
    shell = (doc.get("defaults") or {}).get("run", {}).get("shell")
    if shell != "bash":
        fail(path, "`defaults.run.shell` must be bash (the scripts use bash)")

    for job_name, job in doc["jobs"].items():
        steps = job.get("steps", [])
        check = [s for s in steps if runs_tool(s, "check")]
        if len(check) != 1:
            fail(path, f"job {job_name}: expected exactly one step running `awesome-health check`")
            continue
        check_step = check[0]
        check_id = check_step.get("id")
        if not check_id:
            fail(path, "the check step has no id: later steps cannot see its exit status")
            continue
        if check_step.get("continue-on-error"):
            fail(path, "the check step hides every failure with continue-on-error; capture the status instead")
        if "secrets.GITHUB_TOKEN" not in str(check_step.get("env", {}).get("GITHUB_TOKEN", "")):
            fail(path, "the check step gets no GITHUB_TOKEN (GitHub API metadata needs it)")
        uses = [s.get("uses", "") for s in steps]
        if not any(u.startswith("actions/cache@") for u in uses):
            fail(path, "no actions/cache step")
        cache_keys = " ".join(str(s.get("with", {}).get("key", "")) for s in steps if s.get("uses", "").startswith("actions/cache@"))
        if "CMakeLists.txt" not in cache_keys or "hashFiles" not in cache_keys:
            fail(path, "no build cache keyed on CMakeLists.txt and the sources")
        upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
        if not upload or "reports" not in str(upload[0].get("with", {}).get("path", "")):
            fail(path, "reports/ is not uploaded as an artifact")
        if not any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in steps):
            fail(path, "nothing is written to $GITHUB_STEP_SUMMARY")
        issue_steps = [s for s in steps if runs_tool(s, "issue")]
        commit_steps = [s for s in steps if "git push" in s.get("run", "")]
        if not issue_steps:
            fail(path, "no step runs `awesome-health issue`")
        if not commit_steps:
            fail(path, "no step commits the reports")
        for s in issue_steps:
            if "secrets.GITHUB_TOKEN" not in str(s.get("env", {}).get("GITHUB_TOKEN", "")):
                fail(path, "the issue step gets no GITHUB_TOKEN")

        # Run the job's logic for every exit status of the check.
        after = steps[steps.index(check_step) + 1:]
        for status, green, touches in STATUSES:
            with tempfile.TemporaryDirectory() as work:
                stub_binary(work, status)
                output = os.path.join(work, "github_output")
                summary = os.path.join(work, "step_summary")
                open(output, "w").close()
                base_env = {"GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary, "GITHUB_TOKEN": "dummy"}
                rc = run_script(check_step["run"], work, base_env)
                if rc != 0:
                    fail(path, f"the check step fails when the tool exits {status} (it must record, not fail)")
                    continue
                with open(output) as f:
                    recorded = dict(line.strip().split("=", 1) for line in f if "=" in line)
                if recorded.get("status") != str(status):
                    fail(path, f"the check step records status {recorded.get('status')!r} for exit {status}")
                    continue
                job_failed = False
                for step in after:
                    try:
                        when = evaluate_if(step.get("if"), check_id, status)
                    except ValueError as e:
                        fail(path, str(e))
                        continue
                    if when == "skip" or (when == "success" and job_failed) or when in ("failure", "cancelled"):
                        ran = False
                    else:
                        ran = True
                    if step in issue_steps or step in commit_steps:
                        if ran != touches:
                            what = "the issue step" if step in issue_steps else "the commit step"
                            fail(path, f"{what} {'runs' if ran else 'is skipped'} when check exits {status}")
                        continue  # not executed here: they need git and GitHub
                    if not ran or "run" not in step:
                        continue
                    env = dict(base_env)
                    for key, value in (step.get("env") or {}).items():
                        value = str(value)
                        if f"steps.{check_id}.outputs.status" in value:
                            value = str(status)
                        env[key] = value
                    if run_script(step["run"], work, env) != 0:
                        job_failed = True
                if job_failed == green:
                    fail(path, f"the job is {'red' if job_failed else 'green'} when check exits {status}")


def main(paths):
    for path in paths:
        try:
            with open(path) as f:
                doc = yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail(path, f"not valid YAML: {e}")
            continue
        if not isinstance(doc, dict):
            fail(path, "not a YAML mapping")
            continue
        check_common(path, doc)
        if "schedule" in triggers_of(doc):
            check_nightly(path, doc)
        else:
            perms = doc.get("permissions")
            if isinstance(perms, dict) and any(v == "write" for v in perms.values()):
                fail(path, "a workflow without a schedule (CI) needs no write permission")
        print(f"checked: {path}")
    for f in failures:
        print(f"FAIL {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
