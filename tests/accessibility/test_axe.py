"""Every public page passes axe-core (no serious or critical violation) and fits a 320 px screen.

The pages run in a real headless Chromium (Debian's ``chromium`` package) against pytest-django's
``live_server``. Later issues add their pages by appending to ``PAGES``::

    from tests.accessibility.test_axe import PAGES, Page
    PAGES.append(Page("proposals", lambda: ..., needs_login=False))

(or, better, by adding the entry in this file next to the others). ``path`` is either a string
or a callable returning one; callables run inside the test, once the data exist, so they may
query the database. The data are the demo municipality when ``pnyx.demo.load()`` provides it,
else a small set made by ``minimal_site()`` below. The data are loaded once; each page and
language is a subtest, so one run lists every failing page.

Each check: HTTP 200, stylesheets/scripts/images load, ``<html lang>`` matches, no serious or
critical axe-core violation at 1280 px (and at 320 px, once per page), and no horizontal
overflow at 320 px. Run: ``pytest tests/accessibility -q``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

CHROMIUM = Path(os.environ.get("PNYX_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(
        f"headless Chromium not found at {CHROMIUM} (apt-get install chromium, "
        "or set PNYX_CHROMIUM)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_module = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
)
AXE = axe_module.Axe()  # ships axe-core's axe.min.js

# Playwright's sync API keeps an asyncio loop running in this thread; the ORM calls made by the
# test itself (data, paths) would otherwise be refused as "async-unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# PNYX_AXE_FAIL_ON=minor,moderate,serious,critical makes the check stricter while fixing pages.
FAILING_IMPACTS = set(os.environ.get("PNYX_AXE_FAIL_ON", "serious,critical").split(","))
ALL_LANGUAGES = ("en", "fr", "es")
NARROW = 320
WIDE = 1280
ASSET_TYPES = {"stylesheet", "script", "image", "font"}
RESIDENT_EMAIL = "a11y-resident@example.org"


class Page(NamedTuple):
    name: str
    path: str | Callable[[], str]
    needs_login: bool = False
    languages: tuple[str, ...] = ("en",)


# --- where the pages are -------------------------------------------------------------------


def _process() -> Any:
    from pnyx.spaces.models import Process

    # prefer a process that has a published "page" component, so both pages come from one space
    with_page = Process.objects.published().filter(
        components__component="page", components__published=True
    )
    process = with_page.first() or Process.objects.published().first()
    assert process is not None, "the test data hold no published process"
    return process


def process_path() -> str:
    return str(_process().get_absolute_url())


def assembly_path() -> str:
    from pnyx.spaces.models import Assembly

    assembly = Assembly.objects.published().first()
    assert assembly is not None, "the test data hold no published assembly"
    return str(assembly.get_absolute_url())


def static_page_path() -> str:
    from django.urls import reverse

    from pnyx.core.models import StaticPage

    page = StaticPage.objects.first()
    assert page is not None, "the test data hold no static page"
    return reverse("static_page", args=[page.slug])


def page_component_path() -> str:
    from django.urls import reverse

    from pnyx.spaces.models import ComponentInstance

    component = (
        ComponentInstance.objects.filter(component="page", published=True, space__published=True)
        .select_related("space")
        .first()
    )
    assert component is not None, "the test data hold no published page component"
    return reverse("pages:page", args=[component.space.slug, component.pk])


PAGES: list[Page] = [
    Page("home", "/", languages=ALL_LANGUAGES),
    Page("process-list", "/processes/", languages=ALL_LANGUAGES),
    Page("process", process_path, languages=ALL_LANGUAGES),
    Page("log", "/log/", languages=ALL_LANGUAGES),
    Page("login", "/accounts/login/", languages=ALL_LANGUAGES),
    Page("signup", "/accounts/signup/", languages=ALL_LANGUAGES),
    Page("assembly-list", "/assemblies/"),
    Page("assembly", assembly_path),
    Page("organisation-list", "/organisations/"),
    Page("static-page", static_page_path),
    Page("profile", "/account/profile/", needs_login=True),
    Page("verification", "/account/verification/", needs_login=True),
    Page("page-component", page_component_path),
    Page("page-component-signed-in", page_component_path, needs_login=True),
]


# --- data ----------------------------------------------------------------------------------


def minimal_site() -> None:
    """A small municipality: used until the demo generator provides one."""
    from django.utils import timezone

    from pnyx.core import audit
    from pnyx.core.models import District, Organisation, SiteSettings, StaticPage
    from pnyx.pages.models import PageContent
    from pnyx.spaces.models import Assembly, AssemblyMember, ComponentInstance, Phase, Process

    today = timezone.localdate()
    SiteSettings.objects.create(
        council_name={
            "en": "Town of Riverside",
            "fr": "Ville de Riverside",
            "es": "Ayuntamiento de Riverside",
        },
        tagline={"en": "Decide together", "fr": "Décider ensemble", "es": "Decidir juntos"},
    )
    north = District.objects.create(code="north", name={"en": "North", "fr": "Nord", "es": "Norte"})
    District.objects.create(code="south", name={"en": "South", "fr": "Sud", "es": "Sur"})
    organisation = Organisation.objects.create(
        name="Riverside Neighbours",
        slug="riverside-neighbours",
        kind=Organisation.Kind.NEIGHBOURHOOD,
        district=north,
        verified_at=timezone.now(),
        description="Neighbours of the north bank.",
    )
    Organisation.objects.create(
        name="Bike Collective", slug="bike-collective", kind=Organisation.Kind.COLLECTIVE
    )
    process = Process.objects.create(
        slug="participatory-budget-2026",
        title={
            "en": "Participatory budget 2026",
            "fr": "Budget participatif 2026",
            "es": "Presupuestos participativos 2026",
        },
        subtitle={
            "en": "Residents decide how to spend 500,000 euros",
            "fr": "Les habitants décident comment dépenser 500 000 euros",
            "es": "Los vecinos deciden cómo gastar 500.000 euros",
        },
        description={
            "en": "Propose projects, support them, then vote.",
            "fr": "Proposez des projets, soutenez-les, puis votez.",
            "es": "Propón proyectos, apóyalos y vota.",
        },
        scope_of_decision={"en": "The council commits to carrying out the winning projects."},
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=80),
        published=True,
        promoted=True,
        district=north,
    )
    process.co_organisers.add(organisation)
    Phase.objects.create(
        process=process,
        title={"en": "Proposals", "fr": "Propositions"},
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=20),
        position=1,
        is_active=True,
        description={"en": "Anyone may propose a project."},
    )
    Phase.objects.create(
        process=process,
        title={"en": "Vote", "fr": "Vote"},
        start_date=today + timedelta(days=21),
        end_date=today + timedelta(days=80),
        position=2,
    )
    Process.objects.create(
        slug="old-town-square",
        title={"en": "Redesign of the old town square"},
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=300),
        published=True,
    )
    component = ComponentInstance.objects.create(
        space=process,
        component="page",
        title={"en": "How it works", "fr": "Comment ça marche"},
        published=True,
        position=1,
    )
    PageContent.objects.create(
        component=component,
        body={
            "en": "Each resident may propose projects.\n\nThe vote opens in spring.",
            "fr": "Chaque habitant peut proposer des projets.",
        },
    )
    assembly = Assembly.objects.create(
        slug="youth-council",
        title={"en": "Youth council", "fr": "Conseil des jeunes"},
        body_type=Assembly.Body.ADVISORY,
        purpose={"en": "Advises the council on youth policy."},
        composition={"en": "Twelve residents aged 14 to 25, chosen by lot."},
        published=True,
    )
    AssemblyMember.objects.create(
        assembly=assembly,
        full_name="Ana García",
        position={"en": "Chair"},
        selection=AssemblyMember.Selection.SORTITION,
        organisation=organisation,
    )
    StaticPage.objects.create(
        slug="accessibility",
        title={"en": "Accessibility", "fr": "Accessibilité"},
        body={"en": "This site aims to meet WCAG 2.2 level AA."},
    )
    audit.record(None, "space.publish", process, "Published the process.")
    audit.record(None, "organisation.verify", organisation)


def load_site() -> str:
    """Fill the (empty) test database; returns where the data came from."""
    from pnyx import demo

    if demo.load():
        return "demo"
    minimal_site()
    return "minimal"


def resident_cookie(live_server_url: str) -> dict[str, Any]:
    """A session cookie for an ordinary resident: the demo's verified resident when the demo is
    loaded, else a fresh account (e-mail confirmed, no staff role)."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client

    from pnyx import demo
    from pnyx.core.models import User

    email = getattr(demo, "VERIFIED_RESIDENT_EMAIL", "")
    user = User.objects.filter(email=email).first() if email else None
    if user is None:
        user = User.objects.create_user(email=RESIDENT_EMAIL, password=None, name="Alex Resident")
        EmailAddress.objects.create(user=user, email=RESIDENT_EMAIL, primary=True, verified=True)
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


# --- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    """One Chromium tab, reused for every check (a new context per page costs ~1 s). Failed
    loads of stylesheets, scripts, images and fonts are collected in ``page.failed_assets``."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": WIDE, "height": 900})
        page = context.new_page()
        page.failed_assets = []

        def on_response(response: Any) -> None:
            if (
                response.request.resource_type in ASSET_TYPES
                and response.status >= 400
                and not response.url.endswith("/favicon.ico")
            ):
                page.failed_assets.append(f"{response.status} {response.url}")

        page.on("response", on_response)
        yield page
        context.close()
        chromium.close()


def _format(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
        shown = "; ".join(targets[:5]) + (
            f" (+{len(targets) - 5} more)" if len(targets) > 5 else ""
        )
        lines.append(
            f"  {violation['id']} [{violation['impact']}] {violation['help']}\n"
            f"      at: {shown}\n      see: {violation.get('helpUrl', '')}"
        )
    return "\n".join(lines)


# The outermost elements sticking out of a narrow viewport (their parent fits).
OVERFLOWING_JS = """(limit) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5
                 && e.parentElement.getBoundingClientRect().right <= limit + 0.5)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className.trim()
                 ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""


def _axe_failures(page: Any, width: int) -> list[str]:
    violations = AXE.run(page).response["violations"]
    failing = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
    return [f"axe-core violations at {width} px:\n{_format(failing)}"] if failing else []


def check_page(
    page: Any, url: str, language: str, cookies: list[dict[str, Any]], *, axe_narrow: bool
) -> list[str]:
    """Problems found on one page in one language (empty when it passes): axe-core at 1280 px
    (and at 320 px when ``axe_narrow``), horizontal overflow at 320 px, assets that failed to
    load, and the page's ``lang``."""
    context = page.context
    context.clear_cookies()
    context.add_cookies([*cookies, {"name": "django_language", "value": language, "url": url}])
    context.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.failed_assets.clear()
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        status = response.status if response is not None else "no response"
        return [f"HTTP {status} (final URL {page.url})"]
    problems: list[str] = [f"asset failed to load: {asset}" for asset in sorted(page.failed_assets)]
    html_lang = page.evaluate("document.documentElement.lang")
    if html_lang != language:
        problems.append(f"<html lang={html_lang!r}>, expected {language!r}")
    problems += _axe_failures(page, WIDE)
    page.set_viewport_size({"width": NARROW, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW:
        wide = page.evaluate(OVERFLOWING_JS, NARROW)
        problems.append(
            f"at {NARROW} px the document is {width} px wide "
            f"(sticking out: {', '.join(wide) or 'unknown'})"
        )
    if axe_narrow:
        problems += _axe_failures(page, NARROW)
    return problems


def test_pages_are_accessible(
    live_server: Any, browser_page: Any, subtests: pytest.Subtests
) -> None:
    """One test (the data are loaded once), one subtest per page and language."""
    started = time.monotonic()
    source = load_site()
    login_cookies = [resident_cookie(live_server.url)]
    for entry in PAGES:
        with subtests.test(msg=entry.name):
            path = entry.path() if callable(entry.path) else entry.path
            url = live_server.url + path
            for index, language in enumerate(entry.languages):
                with subtests.test(msg=f"{entry.name} [{language}]"):
                    # the narrow layout does not depend on the language: axe it once per page
                    problems = check_page(
                        browser_page,
                        url,
                        language,
                        login_cookies if entry.needs_login else [],
                        axe_narrow=index == 0,
                    )
                    if problems:
                        pytest.fail(
                            f"{path} [{language}] ({source} data):\n" + "\n".join(problems),
                            pytrace=False,
                        )
    print(f"{len(PAGES)} pages checked in {time.monotonic() - started:.1f} s ({source} data)")
