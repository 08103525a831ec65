"""Verification of residents against the council's census.

The census file is never stored: each row becomes ``HMAC(key, document number | birth date)``
with a key from the environment (``PNYX_CENSUS_KEY``). A resident who types the same two values
gets the same digest; one census entry verifies at most one account (a unique constraint, so two
simultaneous claims cannot both win).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pnyx.core import audit
from pnyx.core.models import CensusEntry, District, Verification

_DOCUMENT_NOISE = re.compile(r"[\s.\-/]")


class CensusError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(_("line %(line)d: %(message)s") % {"line": line, "message": message})
        self.line = line
        self.message = message


class VerificationError(Exception):
    pass


def normalise_document(number: str) -> str:
    return _DOCUMENT_NOISE.sub("", number).upper()


def census_digest(document_number: str, birth_date: date) -> str:
    message = f"{normalise_document(document_number)}|{birth_date.isoformat()}".encode()
    return hmac.new(settings.CENSUS_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CensusImport:
    created: int
    already_known: int
    batch: str


REQUIRED_COLUMNS = ("document_number", "birth_date", "district")


def parse_census(data: bytes | str) -> list[tuple[str, str | None]]:
    """Validate the whole file first: (digest, district code) per row, or CensusError naming the
    first bad line. Nothing is written here."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CensusError(1, _("the file is not UTF-8 text")) from exc
    sample = data[:2048]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(data), dialect)
    header = next(reader, None)
    if not header:
        raise CensusError(1, _("the file is empty"))
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CensusError(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
    index = {name: columns.index(name) for name in REQUIRED_COLUMNS}
    known_districts = set(District.objects.values_list("code", flat=True))
    rows: list[tuple[str, str | None]] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise CensusError(
                line,
                _("expected %(expected)d columns, found %(found)d")
                % {"expected": len(columns), "found": len(row)},
            )
        document = normalise_document(row[index["document_number"]])
        if not document or not document.isalnum():
            raise CensusError(line, _("the document number is empty or invalid"))
        try:
            birth = date.fromisoformat(row[index["birth_date"]].strip())
        except ValueError as exc:
            raise CensusError(line, _("the birth date must be written YYYY-MM-DD")) from exc
        if birth > timezone.localdate():
            raise CensusError(line, _("the birth date is in the future"))
        district = row[index["district"]].strip() or None
        if district is not None and district not in known_districts:
            raise CensusError(line, _("unknown district %(district)s") % {"district": district})
        digest = census_digest(document, birth)
        if digest in seen:
            raise CensusError(line, _("same person as line %(line)d") % {"line": seen[digest]})
        seen[digest] = line
        rows.append((digest, district))
    if not rows:
        raise CensusError(2, _("the file has no rows"))
    return rows


def import_census(data: bytes | str, actor: Any) -> CensusImport:
    """All rows or none. Known persons keep their entry (and their verification)."""
    rows = parse_census(data)
    districts = dict(District.objects.values_list("code", "pk"))
    batch = uuid.uuid4().hex[:12]
    with transaction.atomic():
        existing = set(
            CensusEntry.objects.filter(digest__in=[digest for digest, _code in rows]).values_list(
                "digest", flat=True
            )
        )
        new_entries = [
            CensusEntry(
                digest=digest, district_id=districts.get(code) if code else None, batch=batch
            )
            for digest, code in rows
            if digest not in existing
        ]
        CensusEntry.objects.bulk_create(new_entries, batch_size=1000)
        audit.record(
            actor,
            "census.import",
            object_type="core.censusentry",
            object_repr=_("census import %(batch)s") % {"batch": batch},
            summary=_("%(new)d new entries, %(known)d already known")
            % {"new": len(new_entries), "known": len(existing)},
        )
    return CensusImport(created=len(new_entries), already_known=len(existing), batch=batch)


def current_verification(user: Any) -> Verification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        verification: Verification = user.verification
    except Verification.DoesNotExist:
        return None
    return verification if verification.is_current else None


def is_verified(user: Any, district: District | str | None = None) -> bool:
    """The one question spaces and components ask: is this person a verified resident
    (of ``district``, given as a District or its code)?"""
    verification = current_verification(user)
    if verification is None:
        return False
    if district is None:
        return True
    code = district if isinstance(district, str) else district.code
    return verification.district is not None and verification.district.code == code


def verify_with_census(user: Any, document_number: str, birth_date: date) -> Verification:
    digest = census_digest(document_number, birth_date)
    try:
        with transaction.atomic():
            entry = CensusEntry.objects.select_for_update().filter(digest=digest).first()
            if entry is None:
                raise VerificationError(
                    _("We found no one on the census with this document and birth date.")
                )
            claimed = Verification.objects.filter(census_entry=entry).exclude(user=user).first()
            if claimed is not None and claimed.is_current:
                raise VerificationError(
                    _(
                        "This census entry already verifies another account. Contact the council "
                        "if you think this is a mistake."
                    )
                )
            if claimed is not None:
                claimed.delete()
            Verification.objects.filter(user=user).delete()
            verification = Verification.objects.create(
                user=user,
                method=Verification.Method.CENSUS,
                census_entry=entry,
                district=entry.district,
                expires_at=Verification.default_expiry(),
            )
    except IntegrityError as exc:
        raise VerificationError(_("This census entry already verifies another account.")) from exc
    return verification


def verify_by_staff(
    staff: Any, user: Any, district: District | None, note: str = ""
) -> Verification:
    with transaction.atomic():
        Verification.objects.filter(user=user).delete()
        verification = Verification.objects.create(
            user=user,
            method=Verification.Method.STAFF,
            district=district,
            verified_by=staff,
            expires_at=Verification.default_expiry(),
        )
        audit.record(
            staff,
            "person.verify",
            user,
            summary=note or _("verified in person"),
            public=False,
            object_repr=_("account #%(id)d") % {"id": user.pk},
        )
    return verification


def revoke(staff: Any, user: Any, reason: str = "") -> None:
    with transaction.atomic():
        deleted, _rows = Verification.objects.filter(user=user).delete()
        if deleted:
            audit.record(
                staff,
                "person.unverify",
                user,
                summary=reason,
                public=False,
                object_repr=_("account #%(id)d") % {"id": user.pk},
            )
