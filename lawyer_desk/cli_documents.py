"""Brief commands: ``brief`` (a PDF of a case from a template), ``bundle`` (a hearing bundle) and ``templates``.

Registered by ``cli.build_parser`` through ``add_parsers`` and run through ``COMMANDS``; the
shared helpers of ``cli`` are imported when a command runs (no import cycle).
"""

from __future__ import annotations

import argparse
import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lawyer_desk.core.errors import InvalidInput

type AddCommand = Callable[[str, str], argparse.ArgumentParser]
BUNDLE_TEMPLATE = "extradition-court-submission"


def add_parsers(command: AddCommand) -> None:
    p = command("brief", "make a brief of a case (PDF) from a template; see 'templates'")
    p.add_argument("case_id", type=int, metavar="ID")
    p.add_argument("--template", required=True, metavar="TEMPLATE", help="the template's id, e.g. ccf-deletion-request")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf",
                   help="the file to write (replaced whole); a letter per authority adds -DE, -AT… to the name")
    p.add_argument("--addressee", metavar="TEXT",
                   help="the address, lines separated by ';' (default: the template's, or the court of the case); "
                        "for letters to authorities, which one: a country code or part of its name")
    p.add_argument("--include-confidential", action="store_true",
                   help="include confidential exhibits in a document addressed outside the defence "
                        "(recorded in the audit trail)")
    p.add_argument("--password-file", type=Path, metavar="FILE",
                   help="protect the PDF (AES-256) with the password on the first line of FILE")
    p = command("bundle", "make a hearing bundle of a case (PDF): index, submission, exhibits, numbered pages")
    p.add_argument("case_id", type=int, metavar="ID")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="the file to write (replaced whole)")
    p.add_argument("--template", default=BUNDLE_TEMPLATE, metavar="TEMPLATE",
                   help=f"the submission's template (default: {BUNDLE_TEMPLATE})")
    p.add_argument("--addressee", metavar="TEXT",
                   help="the submission's address, lines separated by ';' (default: the court of the case)")
    p.add_argument("--prefix", default="", metavar="TEXT", help="put before every page number, e.g. B-")
    p.add_argument("--restart-per-section", action="store_true",
                   help="number the index, the submission and the exhibits each from 1, after a letter "
                        "(I1, S1, E1…)")
    p.add_argument("--include-confidential", action="store_true",
                   help="include confidential exhibits in a bundle addressed outside the defence "
                        "(recorded in the audit trail)")
    p.add_argument("--password-file", type=Path, metavar="FILE",
                   help="protect the PDF (AES-256) with the password on the first line of FILE")
    p = command("templates", "list the brief templates (shipped, and your own in DIR/templates/)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _templates(args: argparse.Namespace) -> Any:
    """The shipped templates and the firm's own (``DIR/templates/*.toml``); no passphrase needed."""
    from lawyer_desk.cli import store_dir
    from lawyer_desk.core.documents.templates import load_templates

    return load_templates(store_dir(args) / "templates")


def cmd_templates(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit

    templates = _templates(args)
    if args.json:
        emit({"templates": [{"id": t.id, "title": t.title, "description": t.description, "addressee": t.addressee,
                             "one_per": t.one_per, "file": str(templates.origin(t.id))} for t in templates]})
        return 0
    width = max(len(t.id) for t in templates)
    for t in templates:
        print(f"{t.id:<{width}}  {t.addressee:<9}  {t.description or t.title}")
    return 0


def read_password(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read the password file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    if not lines or not lines[0].strip():
        raise InvalidInput(f"The password file {path} is empty: its first line is the password.")
    return lines[0]


def _check_target(out: Path) -> None:
    """Refuse a target that cannot be written before anything is built (or audited)."""
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; give the PDF's file name, e.g. {out / 'brief.pdf'}.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"Cannot write {out}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK):
        raise InvalidInput(f"Cannot write {out}: the folder {folder} is not writable.")


def file_names(out: Path, suffixes: Sequence[str]) -> list[Path]:
    """One file per document: ``out`` itself, or ``out`` with each suffix (``-Germany``, ``-Germany-2``…)."""
    if len(suffixes) == 1:
        return [out]
    names: list[Path] = []
    for suffix in suffixes:
        stem = f"{out.stem}-{re.sub(r'[\W_]+', '-', suffix).strip('-') or 'letter'}"
        candidate, n = out.with_name(f"{stem}{out.suffix}"), 2
        while candidate in names:
            candidate, n = out.with_name(f"{stem}-{n}{out.suffix}"), n + 1
        names.append(candidate)
    return names


def cmd_brief(args: argparse.Namespace) -> int:
    from pypdf import PdfReader

    from lawyer_desk.cli import open_store
    from lawyer_desk.core.documents.briefs import BriefOptions, build
    from lawyer_desk.core.documents.password import protect
    from lawyer_desk.core.documents.render import render
    from lawyer_desk.core.store.fileio import write_atomic

    template = _templates(args).get(args.template)
    password = read_password(args.password_file) if args.password_file else None
    out = Path(args.out)
    _check_target(out)
    options = BriefOptions(addressee=args.addressee, include_confidential=args.include_confidential)
    # The files are written inside the transaction: if one cannot be written, the override's
    # audit entry is not kept either (nothing was disclosed).
    with open_store(args, write=args.include_confidential) as store, store.session() as session:
        briefs = build(session, args.case_id, template, options)
        targets = file_names(out, [b.addressee[-1] if b.addressee else "" for b in briefs])
        for brief, target in zip(briefs, targets, strict=True):
            pdf = render(brief)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            if password:
                pdf = protect(pdf, password)
            try:
                write_atomic(target.resolve(), pdf)
            except OSError as exc:
                raise InvalidInput(f"Cannot write {target}: {exc.strerror or exc}.") from None
            print(f"Wrote {target} ({brief.title}, {pages} pages{', password-protected' if password else ''})")
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import open_store
    from lawyer_desk.core.documents.bundle import BundleOptions, assemble
    from lawyer_desk.core.store.fileio import write_atomic

    template = _templates(args).get(args.template)
    password = read_password(args.password_file) if args.password_file else None
    out = Path(args.out)
    _check_target(out)
    options = BundleOptions(template=template, addressee=args.addressee, prefix=args.prefix,
                            restart_per_section=args.restart_per_section,
                            include_confidential=args.include_confidential, password=password)
    # Written inside the transaction: if the file cannot be written, the override's audit
    # entry is not kept either (nothing was disclosed).
    with open_store(args, write=args.include_confidential) as store, store.session() as session:
        bundle = assemble(store, args.case_id, options, session=session)
        try:
            write_atomic(out.resolve(), bundle.pdf)
        except OSError as exc:
            raise InvalidInput(f"Cannot write {out}: {exc.strerror or exc}.") from None
    exhibits = [e for e in bundle.entries if e.section == "exhibits"]
    held = sum(1 for e in exhibits if not e.paginated)
    print(f"Wrote {out} ({bundle.pages} pages, {len(exhibits)} exhibits"
          f"{f', {held} held but not paginated' if held else ''}{', password-protected' if password else ''})")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"brief": cmd_brief, "bundle": cmd_bundle,
                                                             "templates": cmd_templates}
