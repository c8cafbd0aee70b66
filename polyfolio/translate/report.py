"""What ``polyfolio translate`` prints: the plan on a dry run, the outcome after a run.

Only counts, paths and reasons: never a key (engines redact what servers say), never content.
"""

from __future__ import annotations

import json

import click

from polyfolio.translate.accept import AcceptReport
from polyfolio.translate.plan import Plan
from polyfolio.translate.run import RunReport


def print_plan(plan: Plan, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(plan.to_json(), ensure_ascii=False, indent=1))
        return
    for file in plan.files:
        from_memory = len(file.known) - file.kept
        click.echo(
            f"{file.target_rel}  {file.state}: {len(file.source_doc.segments)} segments, "
            f"{file.kept} kept, {from_memory} from memory, {len(file.needed)} to translate"
        )
    if plan.segments:
        click.echo(
            f"would send {plan.segments} segments ({plan.characters} characters) "
            f"and write {len(plan.files)} files"
        )
    else:
        click.echo(f"nothing to send; would write {len(plan.files)} files")


def print_outcome(report: RunReport, *, as_json: bool) -> None:
    errors = [str(d) for d in report.diagnostics if d.is_error]
    if as_json:
        outcome = {
            "written": report.written,
            "segments": report.requests,
            "characters": report.characters,
            "errors": errors,
            "warnings": [str(d) for d in report.diagnostics if not d.is_error],
        }
        click.echo(json.dumps(outcome, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"wrote {len(report.written)} files; sent {report.requests} segments "
        f"({report.characters} characters)"
    )
    if errors:
        click.echo(f"{len(errors)} error(s): the files concerned were left as they were", err=True)


def print_accepted(report: AcceptReport, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"accepted": report.accepted}, ensure_ascii=False, indent=1))
        return
    for rel in report.accepted:
        click.echo(f"{rel}  accepted as current")
    click.echo(f"accepted {len(report.accepted)} translations")
