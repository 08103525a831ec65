from __future__ import annotations

import csv
import json

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pnyx.core.i18n import localize
from pnyx.core.models import District
from pnyx.spaces.models import Assembly, ComponentInstance, Phase, Process
from pnyx.spaces.permissions import can_manage_space, can_view_space

STATUSES = ("active", "upcoming", "past")


def process_list(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.published().select_related("district").prefetch_related("phases")
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    processes = processes.with_status(status)
    district_code = request.GET.get("district", "")
    districts = list(District.objects.all())
    if district_code:
        if district_code not in {district.code for district in districts}:
            district_code = ""
        else:
            processes = processes.filter(district__code=district_code)
    export = request.GET.get("format")
    if export in {"csv", "json"}:
        return _export_processes(list(processes), export)
    page = Paginator(processes, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "spaces/process_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                ("", _("All")),
                ("active", _("Active")),
                ("upcoming", _("Upcoming")),
                ("past", _("Past")),
            ],
            "districts": districts,
            "district_code": district_code,
            "today": timezone.localdate(),
        },
    )


def _export_processes(processes: list[Process], fmt: str) -> HttpResponse:
    rows = [
        {
            "slug": p.slug,
            "title": localize(p.title),
            "subtitle": localize(p.subtitle),
            "status": p.status(),
            "start_date": p.start_date,
            "end_date": p.end_date,
            "district": p.district.code if p.district else "",
            "active_phase": localize(p.active_phase.title) if p.active_phase else "",
        }
        for p in processes
    ]
    if fmt == "json":
        return HttpResponse(
            json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="processes.csv"'
    writer = csv.DictWriter(
        response,
        fieldnames=[
            "slug",
            "title",
            "subtitle",
            "status",
            "start_date",
            "end_date",
            "district",
            "active_phase",
        ],
    )
    writer.writeheader()
    writer.writerows(rows)
    return response


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = get_object_or_404(
        Process.objects.select_related("district").prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("position", "start_date")),
            "co_organisers",
        ),
        slug=slug,
    )
    if not can_view_space(request.user, process):
        raise Http404
    return render(
        request,
        "spaces/process_detail.html",
        {
            "process": process,
            "space": process,
            "phases": list(process.phases.all()),
            "components": _visible_components(request, process),
            "can_manage": can_manage_space(request.user, process),
        },
    )


def _visible_components(request: HttpRequest, space: Process | Assembly) -> list[ComponentInstance]:
    queryset = ComponentInstance.objects.filter(space=space)
    if not can_manage_space(request.user, space):
        queryset = queryset.filter(published=True)
    return [component for component in queryset if component.manifest is not None]


def assembly_list(request: HttpRequest) -> HttpResponse:
    assemblies = Assembly.objects.published().select_related("district")
    return render(request, "spaces/assembly_list.html", {"assemblies": assemblies})


def assembly_detail(request: HttpRequest, slug: str) -> HttpResponse:
    assembly = get_object_or_404(
        Assembly.objects.select_related("district").prefetch_related("members__organisation"),
        slug=slug,
    )
    if not can_view_space(request.user, assembly):
        raise Http404
    return render(
        request,
        "spaces/assembly_detail.html",
        {
            "assembly": assembly,
            "space": assembly,
            "members": list(assembly.members.all()),
            "components": _visible_components(request, assembly),
        },
    )
