"""REST API v1: the public lists of the platform, read-only, with an OpenAPI 3 document at
``/api/v1/openapi.json``. Multilingual texts are objects keyed by language code."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from pnyx.core.models import AuditEntry, District, Organisation
from pnyx.spaces.models import Assembly, AssemblyMember, Phase, Process, ProcessQuerySet

api = NinjaAPI(
    title="Pnyx API",
    version="1",
    description="Open data of the participation platform: processes, assemblies, "
    "organisations, districts and the public log of administrative actions.",
    urls_namespace="api-v1",
    docs_url=None,
)

Texts = dict[str, str]


class DistrictOut(Schema):
    code: str
    name: Texts


class PhaseOut(Schema):
    title: Texts
    description: Texts
    start_date: date
    end_date: date
    is_active: bool


class ProcessOut(Schema):
    slug: str
    url: str
    title: Texts
    subtitle: Texts
    description: Texts
    status: Literal["active", "upcoming", "past"]
    start_date: date
    end_date: date | None
    district: str | None
    promoted: bool
    phases: list[PhaseOut]

    @staticmethod
    def resolve_url(process: Process) -> str:
        return process.get_absolute_url()

    @staticmethod
    def resolve_status(process: Process) -> str:
        return process.status()

    @staticmethod
    def resolve_district(process: Process) -> str | None:
        return process.district.code if process.district else None

    @staticmethod
    def resolve_phases(process: Process) -> list[Phase]:
        return list(process.phases.all())


class MemberOut(Schema):
    full_name: str
    position: Texts
    selection: str
    organisation: str | None
    since: date | None
    until: date | None

    @staticmethod
    def resolve_organisation(member: AssemblyMember) -> str | None:
        return member.organisation.slug if member.organisation else None


class AssemblyOut(Schema):
    slug: str
    url: str
    title: Texts
    body_type: str
    purpose: Texts
    composition: Texts
    district: str | None
    members: list[MemberOut]

    @staticmethod
    def resolve_url(assembly: Assembly) -> str:
        return assembly.get_absolute_url()

    @staticmethod
    def resolve_district(assembly: Assembly) -> str | None:
        return assembly.district.code if assembly.district else None

    @staticmethod
    def resolve_members(assembly: Assembly) -> list[AssemblyMember]:
        return list(assembly.members.all())


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    website: str
    district: str | None
    verified: bool

    @staticmethod
    def resolve_district(organisation: Organisation) -> str | None:
        return organisation.district.code if organisation.district else None

    @staticmethod
    def resolve_verified(organisation: Organisation) -> bool:
        return organisation.is_verified


class LogEntryOut(Schema):
    sequence: int
    created_at: datetime
    actor: str
    action: str
    object_type: str
    object_repr: str
    summary: str
    previous_hash: str
    entry_hash: str

    @staticmethod
    def resolve_actor(entry: AuditEntry) -> str:
        if entry.actor is not None:
            return entry.actor.public_name
        return "system" if entry.actor_ref == "system" else "deleted account"


def _processes() -> ProcessQuerySet:
    return (
        Process.objects.published()
        .select_related("district")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("position")))
    )


@api.get("/districts", response=list[DistrictOut], tags=["council"])
def list_districts(request: HttpRequest) -> Any:
    return District.objects.all()


@api.get("/processes", response=list[ProcessOut], tags=["spaces"])
@paginate(LimitOffsetPagination)
def list_processes(
    request: HttpRequest,
    status: Literal["active", "upcoming", "past"] | None = None,
    district: str | None = None,
) -> Any:
    processes = _processes().with_status(status)
    if district:
        processes = processes.filter(district__code=district)
    return processes


@api.get("/processes/{slug}", response=ProcessOut, tags=["spaces"])
def get_process(request: HttpRequest, slug: str) -> Any:
    return get_object_or_404(_processes(), slug=slug)


def _assemblies() -> QuerySet[Assembly]:
    return (
        Assembly.objects.published()
        .select_related("district")
        .prefetch_related("members__organisation")
    )


@api.get("/assemblies", response=list[AssemblyOut], tags=["spaces"])
@paginate(LimitOffsetPagination)
def list_assemblies(request: HttpRequest) -> Any:
    return _assemblies()


@api.get("/assemblies/{slug}", response=AssemblyOut, tags=["spaces"])
def get_assembly(request: HttpRequest, slug: str) -> Any:
    return get_object_or_404(_assemblies(), slug=slug)


@api.get("/organisations", response=list[OrganisationOut], tags=["council"])
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, verified: bool | None = None) -> Any:
    organisations = Organisation.objects.select_related("district")
    if verified is not None:
        organisations = organisations.filter(verified_at__isnull=not verified)
    return organisations


@api.get("/organisations/{slug}", response=OrganisationOut, tags=["council"])
def get_organisation(request: HttpRequest, slug: str) -> Any:
    return get_object_or_404(Organisation.objects.select_related("district"), slug=slug)


@api.get("/log", response=list[LogEntryOut], tags=["accountability"])
@paginate(LimitOffsetPagination)
def list_log(request: HttpRequest, action: str | None = None) -> Any:
    """Public entries of the audit log, newest first. Each entry's hash chains the previous one
    (including non-public entries, which are not listed), so a reuser can detect rewriting."""
    entries = AuditEntry.objects.filter(public=True).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    return entries
