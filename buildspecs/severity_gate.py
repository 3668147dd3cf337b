"""Dependency-scan severity gate: fails (exit 1) on findings at or above FAIL_ON.

Reads a pip-audit JSON report (argv[1]). pip-audit gives vulnerability ids but no severity, so each
finding's ids and aliases are looked up in OSV (OSV_API_URL, default https://api.osv.dev) and the
highest GitHub-advisory severity wins. A finding whose severity cannot be learned counts as FAIL_ON:
the gate fails safe. Ids are checked against a strict pattern before they are put in a URL.

`--check-run EXIT REPORT` runs first (PRE_BUILD): pip-audit exits 1 both when it finds
vulnerabilities and when it cannot run at all (pypa/pip-audit README, "Exit codes": 0 none found,
1 found; a crash such as a failed dependency resolution also ends with 1 and writes no report), so
the run counts as a scan only if it left a readable report, and an exit of 1 only if that report
lists a finding. Anything else exits 3: the scanner could not run, which is not a finding.

`--assess REPORT OUT` runs next (PRE_BUILD): it learns each finding's severity once, writes the
findings with their levels to OUT (the gate in BUILD reads them: one lookup per id, one answer) and
prints `FINDINGS HIGHEST UNRATED`, which the buildspec exports (env.exported-variables) for the
approval page. pip-audit's JSON carries no severity, and OSV has none for some advisories, so:
HIGHEST is the highest severity published for any finding (low, medium, high, critical); `none`
when the report lists no finding; `unknown` when there are findings and none has a published
severity. UNRATED counts the findings without one; the gate counts those at FAIL_ON (fail safe),
so a scan that passed has none.
"""
import json
import os
import re
import sys
import urllib.request

RANK = {"low": 1, "moderate": 2, "medium": 2, "high": 3, "critical": 4}
NAMES = {1: "low", 2: "medium", 3: "high", 4: "critical"}
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def severity(ids, api):
    best = 0
    for vuln_id in ids:
        if not SAFE_ID.match(vuln_id):
            continue
        try:
            with urllib.request.urlopen(f"{api}/v1/vulns/{vuln_id}", timeout=10) as response:
                record = json.load(response)
        except Exception:  # unknown id, network: try the next alias
            continue
        level = str((record.get("database_specific") or {}).get("severity", "")).lower()
        best = max(best, RANK.get(level, 0))
    return best


def check_run(exit_code, path):
    try:
        with open(path, encoding="utf-8") as report_file:
            report = json.load(report_file)
        dependencies = report["dependencies"]
        if not isinstance(dependencies, list):
            raise TypeError("dependencies is not a list")
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"pip-audit could not run (exit {exit_code}): no usable report ({error})", file=sys.stderr)
        return 3
    found = sum(len(dep.get("vulns", [])) for dep in dependencies)
    if exit_code == 0 or (exit_code == 1 and found > 0):
        print(f"pip-audit audited {len(dependencies)} dependencies: {found} known vulnerabilities")
        return 0
    print(f"pip-audit could not run (exit {exit_code}, {found} findings in its report)", file=sys.stderr)
    return 3


def assessed(report_path, api):
    """Each finding of a pip-audit report with its published severity level (0: none published)."""
    with open(report_path, encoding="utf-8") as report_file:
        report = json.load(report_file)
    return [
        {
            "level": severity([vuln.get("id", ""), *vuln.get("aliases", [])], api),
            "name": dep.get("name"),
            "version": dep.get("version"),
            "id": vuln.get("id"),
            "fix_versions": vuln.get("fix_versions", []),
        }
        for dep in report.get("dependencies", [])
        for vuln in dep.get("vulns", [])
    ]


def assess(report_path, out_path, api):
    findings = assessed(report_path, api)
    with open(out_path, "w", encoding="utf-8") as out_file:
        json.dump(findings, out_file)
    rated = [f["level"] for f in findings if f["level"]]
    highest = NAMES[max(rated)] if rated else ("unknown" if findings else "none")
    print(f"{len(findings)} {highest} {len(findings) - len(rated)}")
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check-run":
        return check_run(int(sys.argv[2]) if sys.argv[2].isdigit() else -1, sys.argv[3])
    api = os.environ.get("OSV_API_URL", "https://api.osv.dev").rstrip("/")
    if len(sys.argv) == 4 and sys.argv[1] == "--assess":
        return assess(sys.argv[2], sys.argv[3], api)
    fail_on = os.environ.get("FAIL_ON", "high").lower()
    if fail_on not in RANK:
        print(f"FAIL_ON must be one of low, medium, high, critical (got {fail_on!r})", file=sys.stderr)
        return 2
    threshold = RANK[fail_on]
    if len(sys.argv) == 3:  # the levels --assess learnt
        with open(sys.argv[2], encoding="utf-8") as assessment_file:
            found = json.load(assessment_file)
    else:
        found = assessed(sys.argv[1], api)
    findings = [
        (f["level"] or threshold, f["name"], f["version"], f["id"], f["fix_versions"]) for f in found
    ]
    blocking = [f for f in findings if f[0] >= threshold]
    for level, name, version, vuln_id, fixes in sorted(findings, reverse=True):
        mark = "BLOCKS" if level >= threshold else "note"
        print(f"{mark:6} {NAMES[level]:8} {name}=={version} {vuln_id} fixed in: {', '.join(fixes) or 'no fix yet'}")
    print(f"{len(findings)} finding(s), {len(blocking)} at or above {fail_on}")
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
