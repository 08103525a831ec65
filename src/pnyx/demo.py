"""The demo municipality: Valverde, a fictional council.

``load()`` fills an empty database with a small but complete council: five districts, 200
residents (most of them verified through the real census path), five organisations, three
processes (one active in its proposal phase, one upcoming, one finished), a citizens' assembly
and one staff account per role. Everything is generated from fixed seeds, so two loads give the
same people, organisations and spaces; only the dates move with today, so that the processes
are always active, upcoming and past.

Demo accounts carry ``is_demo=True`` and can sign in only when ``settings.DEMO_MODE`` is on
(see ``pnyx.core.backends`` and ``pnyx.core.adapters``).

Other features add to the demo by writing a ``_load_<feature>`` step called from ``load()``
and using their own ``_rng("<feature>")``, so the people generated here never shift.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

SEED = "valverde-2026"
DEMO_PASSWORD = "pnyx-demo-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
EMAIL_DOMAIN = "demo.pnyx.example"
RESIDENT_COUNT = 200
CENSUS_VERIFIED_COUNT = 112
STAFF_VERIFIED_COUNT = 8
NOT_ON_CENSUS_COUNT = 15
CENSUS_ONLY_COUNT = 80  # people on the census who have no account

# The printed accounts (residents 1-3 have a fixed status, the others are drawn by the seed).
RESIDENT_EMAIL = f"resident001@{EMAIL_DOMAIN}"
VERIFIED_RESIDENT_EMAIL = f"resident002@{EMAIL_DOMAIN}"
ORGANISATION_ADMIN_EMAIL = f"resident003@{EMAIL_DOMAIN}"

Text = dict[str, str]


def _rng(topic: str) -> random.Random:
    """One generator per topic, so adding a topic never changes what another one draws."""
    return random.Random(f"{SEED}:{topic}")


def _t(en: str, fr: str, es: str) -> Text:
    return {"en": en, "fr": fr, "es": es}


# --------------------------------------------------------------------------- the council

COUNCIL_NAME = _t("Valverde City Council", "Mairie de Valverde", "Ayuntamiento de Valverde")
TAGLINE = _t(
    "Decide, follow and check what your town does.",
    "Décider, suivre et vérifier ce que fait votre ville.",
    "Decide, sigue y comprueba lo que hace tu ciudad.",
)
# White text on both: contrast 7.5:1 and 6.6:1 (WCAG AA needs 4.5:1).
PRIMARY_COLOUR = "#0f5132"
ACCENT_COLOUR = "#9c3d0e"

DISTRICTS: list[tuple[str, Text]] = [
    ("casco-antiguo", _t("Old Town", "Vieille Ville", "Casco Antiguo")),
    ("la-ribera", _t("Riverside", "Les Berges", "La Ribera")),
    ("las-lomas", _t("The Hills", "Les Coteaux", "Las Lomas")),
    ("la-estacion", _t("Station Quarter", "Quartier de la Gare", "La Estación")),
    ("los-huertos", _t("Market Gardens", "Les Jardins", "Los Huertos")),
]
DISTRICT_WEIGHTS = [18, 24, 20, 22, 16]

STATIC_PAGES: list[tuple[str, Text, Text]] = [
    (
        "about",
        _t("About this platform", "À propos de cette plateforme", "Acerca de esta plataforma"),
        _t(
            "Valverde is a town of 38,000 people on both banks of the river Verde. This platform "
            "is where the council and its residents decide together: the council opens "
            "participatory processes, residents and organisations make proposals and comment, "
            "and every answer and commitment stays visible until it is kept.\n\n"
            "Anyone can read everything here without an account. To take part you need an "
            "account; to vote or sign, the council checks that you live in Valverde, either "
            "against the municipal census or in person at a citizen service office.\n\n"
            "Every administrative act on the platform (publishing a process, verifying a "
            "resident, answering a proposal) is written to a public log that nobody can edit "
            "without it showing.",
            "Valverde est une ville de 38 000 habitants sur les deux rives de la Verde. Cette "
            "plateforme est l'endroit où la mairie et les habitants décident ensemble : la mairie "
            "ouvre des démarches participatives, habitants et associations font des propositions "
            "et commentent, et chaque réponse, chaque engagement reste visible jusqu'à ce qu'il "
            "soit tenu.\n\n"
            "Tout le monde peut tout lire ici sans compte. Pour participer, il faut un compte ; "
            "pour voter ou signer, la mairie vérifie que vous habitez Valverde, à partir du "
            "recensement municipal ou en personne dans un point d'accueil.\n\n"
            "Chaque acte administratif sur la plateforme (publier une démarche, vérifier un "
            "habitant, répondre à une proposition) est inscrit dans un journal public que "
            "personne ne peut modifier sans que cela se voie.",
            "Valverde es una ciudad de 38.000 habitantes a ambas orillas del río Verde. Esta "
            "plataforma es el lugar donde el Ayuntamiento y la vecindad deciden juntos: el "
            "Ayuntamiento abre procesos participativos, vecinas, vecinos y entidades hacen "
            "propuestas y comentan, y cada respuesta y cada compromiso quedan a la vista hasta "
            "que se cumplen.\n\n"
            "Cualquiera puede leerlo todo sin cuenta. Para participar hace falta una cuenta; para "
            "votar o firmar, el Ayuntamiento comprueba que vives en Valverde, con el padrón "
            "municipal o en persona en una oficina de atención ciudadana.\n\n"
            "Cada acto administrativo en la plataforma (publicar un proceso, verificar a una "
            "persona, responder a una propuesta) queda anotado en un registro público que nadie "
            "puede modificar sin que se note.",
        ),
    ),
    (
        "terms",
        _t("Terms of use", "Conditions d'utilisation", "Condiciones de uso"),
        _t(
            "By creating an account you agree to take part respectfully: no insults, threats, "
            "discrimination, advertising or personal data about other people. Moderators may "
            "hide contributions that break these rules; each hidden contribution is recorded "
            "in the public log with the reason.\n\n"
            "One account per person. Organisations take part through the accounts of their "
            "members, who may speak on their behalf once the council has verified the "
            "organisation.\n\n"
            "What you publish here is published under the Creative Commons Attribution 4.0 "
            "licence so that anyone can reuse it, including as open data.",
            "En créant un compte, vous vous engagez à participer avec respect : pas d'insultes, "
            "de menaces, de discriminations, de publicité ni de données personnelles sur autrui. "
            "Les modérateurs peuvent masquer les contributions qui ne respectent pas ces règles ; "
            "chaque masquage est inscrit au journal public avec sa raison.\n\n"
            "Un compte par personne. Les associations participent par les comptes de leurs "
            "membres, qui peuvent s'exprimer en leur nom une fois l'association vérifiée par la "
            "mairie.\n\n"
            "Ce que vous publiez ici l'est sous licence Creative Commons Attribution 4.0, afin "
            "que chacun puisse le réutiliser, y compris comme donnée ouverte.",
            "Al crear una cuenta te comprometes a participar con respeto: sin insultos, amenazas, "
            "discriminación, publicidad ni datos personales de otras personas. La moderación "
            "puede ocultar las aportaciones que incumplan estas normas; cada ocultación queda en "
            "el registro público con su motivo.\n\n"
            "Una cuenta por persona. Las entidades participan a través de las cuentas de sus "
            "miembros, que pueden hablar en su nombre una vez que el Ayuntamiento ha verificado "
            "la entidad.\n\n"
            "Lo que publicas aquí se publica con licencia Creative Commons Reconocimiento 4.0 "
            "para que cualquiera pueda reutilizarlo, también como datos abiertos.",
        ),
    ),
    (
        "privacy",
        _t("Privacy", "Vie privée", "Privacidad"),
        _t(
            "Valverde City Council is the data controller. We keep your e-mail address, the "
            "name or nickname you choose and what you publish. To verify residence we never "
            "store your document number or birth date: we keep only a keyed fingerprint of "
            "them, the same one the census produces, and your district.\n\n"
            "Votes are kept secret: the published results never say who voted for what. You "
            "can download all your data from your profile and delete your account at any "
            "time; your public comments then stay, without your name.\n\n"
            "Questions and requests: the data protection officer, "
            "privacy@valverde.example.",
            "La mairie de Valverde est responsable du traitement. Nous conservons votre adresse "
            "électronique, le nom ou le pseudonyme que vous choisissez et ce que vous publiez. "
            "Pour vérifier la résidence, nous ne conservons jamais votre numéro de document ni "
            "votre date de naissance : seulement une empreinte chiffrée, la même que celle du "
            "recensement, et votre quartier.\n\n"
            "Les votes sont secrets : les résultats publiés ne disent jamais qui a voté quoi. "
            "Vous pouvez télécharger toutes vos données depuis votre profil et supprimer votre "
            "compte à tout moment ; vos commentaires publics restent alors, sans votre nom.\n\n"
            "Questions et demandes : le délégué à la protection des données, "
            "privacy@valverde.example.",
            "El Ayuntamiento de Valverde es el responsable del tratamiento. Guardamos tu correo "
            "electrónico, el nombre o alias que elijas y lo que publicas. Para verificar la "
            "residencia nunca guardamos tu número de documento ni tu fecha de nacimiento: solo "
            "una huella cifrada, la misma que genera el padrón, y tu barrio.\n\n"
            "El voto es secreto: los resultados publicados nunca dicen quién votó qué. Puedes "
            "descargar todos tus datos desde tu perfil y borrar tu cuenta cuando quieras; tus "
            "comentarios públicos se mantienen, sin tu nombre.\n\n"
            "Preguntas y solicitudes: la delegada de protección de datos, "
            "privacy@valverde.example.",
        ),
    ),
    (
        "accessibility",
        _t("Accessibility", "Accessibilité", "Accesibilidad"),
        _t(
            "This platform aims to meet the Web Content Accessibility Guidelines 2.1 at level "
            "AA. It works without JavaScript, with a keyboard alone and with screen readers; "
            "every chart has a data table and every map a list.\n\n"
            "If something is hard to use, tell us at accessibility@valverde.example or at any "
            "citizen service office: we answer within 15 days. You can also take part by "
            "phone or in person; staff will enter your contribution for you.",
            "Cette plateforme vise la conformité au niveau AA des règles WCAG 2.1. Elle "
            "fonctionne sans JavaScript, au clavier seul et avec un lecteur d'écran ; chaque "
            "graphique a son tableau de données et chaque carte sa liste.\n\n"
            "Si quelque chose est difficile à utiliser, écrivez à "
            "accessibility@valverde.example ou passez dans un point d'accueil : nous répondons "
            "sous 15 jours. Vous pouvez aussi participer par téléphone ou sur place ; un agent "
            "saisira votre contribution.",
            "Esta plataforma quiere cumplir el nivel AA de las pautas WCAG 2.1. Funciona sin "
            "JavaScript, solo con teclado y con lectores de pantalla; cada gráfico tiene su tabla "
            "de datos y cada mapa su lista.\n\n"
            "Si algo resulta difícil de usar, escríbenos a accessibility@valverde.example o "
            "acércate a una oficina de atención ciudadana: respondemos en 15 días. También "
            "puedes participar por teléfono o en persona; el personal registrará tu aportación.",
        ),
    ),
]

# --------------------------------------------------------------------------- people

FIRST_NAMES = [
    "Lucía",
    "Hugo",
    "Martina",
    "Mateo",
    "Sofía",
    "Leo",
    "Julia",
    "Daniel",
    "Paula",
    "Álvaro",
    "Carmen",
    "Pablo",
    "Elena",
    "Adrián",
    "Sara",
    "Javier",
    "Nora",
    "Marc",
    "Inés",
    "Diego",
    "Camille",
    "Louis",
    "Chloé",
    "Gabriel",
    "Léa",
    "Arthur",
    "Manon",
    "Jules",
    "Emma",
    "Théo",
    "Amina",
    "Youssef",
    "Fatima",
    "Omar",
    "Grace",
    "Samuel",
    "Aisha",
    "Kofi",
    "Mei",
    "Wei",
    "Olivia",
    "James",
    "Ana",
    "João",
    "Irina",
    "Andrei",
    "Rosa",
    "Tomás",
    "Alba",
    "Iker",
]
LAST_NAMES = [
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Fernández",
    "Ruiz",
    "Díaz",
    "Moreno",
    "Álvarez",
    "Romero",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Serrano",
    "Molina",
    "Blanco",
    "Castro",
    "Ortega",
    "Delgado",
    "Marín",
    "Iglesias",
    "Garrido",
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Lefèvre",
    "Roux",
    "Fournier",
    "Girard",
    "El Amrani",
    "Benali",
    "Diallo",
    "Mensah",
    "Okafor",
    "Chen",
    "Wang",
    "Silva",
    "Pereira",
    "Popescu",
    "Ionescu",
    "Smith",
    "Brown",
    "Murphy",
]
NICKNAMES = [
    "vecina_del_rio",
    "bici_valverde",
    "huerta42",
    "la_lomera",
    "tren_y_barrio",
    "plaza_viva",
    "jardinier",
    "rio_verde",
    "maestra_jubilada",
    "skater_lomas",
]
LANGUAGES = ("es", "fr", "en")
LANGUAGE_WEIGHTS = (55, 25, 20)
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


@dataclass(frozen=True)
class DemoResident:
    number: int
    email: str
    name: str
    nickname: str
    language: str
    district: str
    birth_date: date
    document: str | None  # None: not (yet) on the census
    verification: str  # "census", "staff" or ""
    joined_days_ago: int


def _document(rng: random.Random, taken: set[str]) -> str:
    """A Spanish-style national identity number: eight digits and their check letter."""
    while True:
        digits = rng.randrange(10_000_000, 99_999_999)
        number = f"{digits:08d}{_DNI_LETTERS[digits % 23]}"
        if number not in taken:
            taken.add(number)
            return number


def _birth_date(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 66))


def _pick_language(rng: random.Random) -> str:
    return rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]


@cache
def _population() -> tuple[tuple[DemoResident, ...], tuple[tuple[str, date, str], ...]]:
    """The residents with accounts, and the census people without one. Pure: no database."""
    rng = _rng("residents")
    taken: set[str] = set()
    codes = [code for code, _name in DISTRICTS]
    numbers = list(range(4, RESIDENT_COUNT + 1))
    rng.shuffle(numbers)
    not_on_census = set(numbers[:NOT_ON_CENSUS_COUNT])
    staff_verified = set(numbers[:STAFF_VERIFIED_COUNT])
    census_verified = set(
        numbers[NOT_ON_CENSUS_COUNT : NOT_ON_CENSUS_COUNT + CENSUS_VERIFIED_COUNT - 2]
    )
    census_verified |= {2, 3}
    residents = []
    for number in range(1, RESIDENT_COUNT + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.35:
            last = f"{last} {rng.choice(LAST_NAMES)}"
        nickname = rng.choice(NICKNAMES) + str(number) if rng.random() < 0.1 else ""
        district = rng.choices(codes, DISTRICT_WEIGHTS)[0]
        if number in (2, 3):
            district = "la-ribera"
        status = (
            "census" if number in census_verified else ("staff" if number in staff_verified else "")
        )
        residents.append(
            DemoResident(
                number=number,
                email=f"resident{number:03d}@{EMAIL_DOMAIN}",
                name=f"{first} {last}",
                nickname=nickname,
                language=_pick_language(rng),
                district=district,
                birth_date=_birth_date(rng),
                document=None if number in not_on_census else _document(rng, taken),
                verification=status,
                joined_days_ago=rng.randrange(10, 700),
            )
        )
    others = tuple(
        (_document(rng, taken), _birth_date(rng), rng.choices(codes, DISTRICT_WEIGHTS)[0])
        for _index in range(CENSUS_ONLY_COUNT)
    )
    return tuple(residents), others


def residents() -> list[DemoResident]:
    return list(_population()[0])


def census_rows() -> list[tuple[str, date, str]]:
    """(document number, birth date, district) of everyone on the demo census, in file order.
    Regenerated from the seed when needed; never stored."""
    people, others = _population()
    rows = [(r.document, r.birth_date, r.district) for r in people if r.document is not None]
    rows += list(others)
    _rng("census-order").shuffle(rows)
    return rows


def census_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["document_number", "birth_date", "district"])
    for document, birth, district in census_rows():
        writer.writerow([document, birth.isoformat(), district])
    return buffer.getvalue()


@dataclass(frozen=True)
class DemoStaff:
    key: str
    label: str
    email: str
    name: str


STAFF = [
    DemoStaff("administrator", "administrator", f"admin@{EMAIL_DOMAIN}", "Elena Márquez"),
    DemoStaff("manager", "process manager", f"manager@{EMAIL_DOMAIN}", "Tomás Ferrer"),
    DemoStaff("moderator", "moderator", f"moderator@{EMAIL_DOMAIN}", "Claire Dubois"),
    DemoStaff("evaluator", "evaluator", f"evaluator@{EMAIL_DOMAIN}", "Samuel Okafor"),
    DemoStaff("data_publisher", "data publisher", f"publisher@{EMAIL_DOMAIN}", "Lucía Benítez"),
]


def demo_accounts() -> list[tuple[str, str]]:
    """(role, e-mail) of one demo account per role; all share ``DEMO_PASSWORD``."""
    return [
        *((staff.label, staff.email) for staff in STAFF),
        ("organisation admin", ORGANISATION_ADMIN_EMAIL),
        ("verified resident", VERIFIED_RESIDENT_EMAIL),
        ("resident", RESIDENT_EMAIL),
    ]


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    district: str | None
    verified: bool
    description: str
    website: str
    members: int


ORGANISATIONS = [
    DemoOrganisation(
        "av-la-ribera",
        "Asociación Vecinal La Ribera",
        "neighbourhood",
        "la-ribera",
        True,
        "Residents of Riverside since 1979: the river banks, the old mill, safe streets to "
        "school and a neighbourhood that stays affordable.",
        "https://avlaribera.example",
        14,
    ),
    DemoOrganisation(
        "valverde-en-bici",
        "Valverde en Bici",
        "association",
        None,
        True,
        "Cyclists of every age asking for a connected network of safe cycle lanes, secure "
        "parking at the station and cycling lessons in every school.",
        "https://valverdeenbici.example",
        11,
    ),
    DemoOrganisation(
        "banco-alimentos",
        "Banco de Alimentos de Valverde",
        "ngo",
        "la-estacion",
        True,
        "Collects and distributes food to 600 households each month with 80 volunteers, and "
        "fights food waste with the town's markets and shops.",
        "https://bancoalimentosvalverde.example",
        9,
    ),
    DemoOrganisation(
        "comercio-vivo",
        "Comercio Vivo Casco Antiguo",
        "business",
        "casco-antiguo",
        False,
        "Forty-two independent shops and cafés of the Old Town working for a lively, walkable "
        "centre.",
        "",
        6,
    ),
    DemoOrganisation(
        "huertos-urbanos",
        "Colectivo Huertos Urbanos",
        "collective",
        "los-huertos",
        False,
        "Neighbours who grow vegetables on empty plots, share seeds and teach composting.",
        "",
        7,
    ),
]


# --------------------------------------------------------------------------- spaces


@dataclass(frozen=True)
class DemoPhase:
    title: Text
    description: Text
    start: int  # days from today
    end: int


@dataclass(frozen=True)
class DemoProcess:
    slug: str
    title: Text
    subtitle: Text
    description: Text
    scope: Text
    start: int
    end: int
    phases: tuple[DemoPhase, ...]
    active_phase: int | None  # index in phases
    district: str | None
    restricted: bool
    promoted: bool
    co_organisers: tuple[str, ...]
    page_title: Text
    page_body: Text
    comments_open: bool
    comments: tuple[Text, ...]
    comment_window: tuple[int, int]  # days from today, when the comments were written
    verified_actions: tuple[str, ...] = ()
    # (index of a comment, organisation) written by a member on behalf of the organisation
    organisation_comment: tuple[int, str] | None = None


ACTIVE_PROCESS = "valverde-breathes"
UPCOMING_PROCESS = "old-mill-riverside"
PAST_PROCESS = "old-town-streets"

PROCESSES = [
    DemoProcess(
        slug=ACTIVE_PROCESS,
        title=_t(
            "Valverde breathes: climate plan 2030",
            "Valverde respire : plan climat 2030",
            "Valverde respira: plan del clima 2030",
        ),
        subtitle=_t(
            "Cut the town's emissions by half and prepare for hotter summers.",
            "Diviser par deux les émissions de la ville et se préparer à des étés plus chauds.",
            "Reducir a la mitad las emisiones de la ciudad y prepararnos para veranos más "
            "calurosos.",
        ),
        description=_t(
            "Valverde has committed to halving its greenhouse gas emissions by 2030. The plan "
            "will decide where the money goes: shade and trees in the hottest streets, "
            "insulation of public buildings, buses and cycle lanes, and help for households.\n\n"
            "Residents and organisations make proposals until the end of the proposal phase. "
            "Council technicians then check what each one would cost and cut, and every "
            "proposal gets a public answer.",
            "Valverde s'est engagée à diviser par deux ses émissions de gaz à effet de serre "
            "d'ici 2030. Le plan décidera où va l'argent : ombre et arbres dans les rues les "
            "plus chaudes, isolation des bâtiments publics, bus et pistes cyclables, aides aux "
            "ménages.\n\n"
            "Habitants et associations font des propositions jusqu'à la fin de la phase de "
            "propositions. Les services techniques évaluent ensuite le coût et l'effet de "
            "chacune, et chaque proposition reçoit une réponse publique.",
            "Valverde se ha comprometido a reducir a la mitad sus emisiones de gases de efecto "
            "invernadero antes de 2030. El plan decidirá a qué se dedica el dinero: sombra y "
            "árboles en las calles más calurosas, aislamiento de edificios públicos, autobuses y "
            "carriles bici, y ayudas a los hogares.\n\n"
            "Vecindad y entidades hacen propuestas hasta el final de la fase de propuestas. "
            "Después, el personal técnico estudia el coste y el efecto de cada una, y todas "
            "reciben una respuesta pública.",
        ),
        scope=_t(
            "The town council votes the final plan, committing to include the measures "
            "residents select within a budget of 4.2 million euros.",
            "Le conseil municipal vote le plan final et s'engage à y inscrire les mesures "
            "retenues par les habitants, dans un budget de 4,2 millions d'euros.",
            "El pleno municipal vota el plan final y se compromete a incluir las medidas que "
            "elija la vecindad, con un presupuesto de 4,2 millones de euros.",
        ),
        start=-40,
        end=80,
        phases=(
            DemoPhase(
                _t("Information", "Information", "Información"),
                _t(
                    "Public meetings in the five districts and the climate diagnosis.",
                    "Réunions publiques dans les cinq quartiers et diagnostic climat.",
                    "Reuniones públicas en los cinco barrios y diagnóstico climático.",
                ),
                -40,
                -15,
            ),
            DemoPhase(
                _t("Proposals", "Propositions", "Propuestas"),
                _t(
                    "Anyone may propose measures and comment on those of others.",
                    "Chacun peut proposer des mesures et commenter celles des autres.",
                    "Cualquiera puede proponer medidas y comentar las de los demás.",
                ),
                -14,
                20,
            ),
            DemoPhase(
                _t("Technical evaluation", "Évaluation technique", "Evaluación técnica"),
                _t(
                    "Council staff cost each proposal and answer it in public.",
                    "Les services chiffrent chaque proposition et y répondent en public.",
                    "El personal municipal valora cada propuesta y la responde en público.",
                ),
                21,
                45,
            ),
            DemoPhase(
                _t("Vote", "Vote", "Votación"),
                _t(
                    "Verified residents choose the measures to fund.",
                    "Les habitants vérifiés choisissent les mesures à financer.",
                    "La vecindad verificada elige las medidas que se financian.",
                ),
                46,
                65,
            ),
            DemoPhase(
                _t("Results", "Résultats", "Resultados"),
                _t(
                    "The council publishes the plan and its milestones.",
                    "La mairie publie le plan et ses étapes.",
                    "El Ayuntamiento publica el plan y sus hitos.",
                ),
                66,
                80,
            ),
        ),
        active_phase=1,
        district=None,
        restricted=False,
        promoted=True,
        co_organisers=("valverde-en-bici", "av-la-ribera"),
        page_title=_t(
            "The climate diagnosis in brief",
            "Le diagnostic climat en bref",
            "El diagnóstico climático en breve",
        ),
        page_body=_t(
            "Valverde emitted 212,000 tonnes of CO2 equivalent in 2024: 41% from transport, 33% "
            "from heating and cooling buildings, 14% from waste and 12% from the rest.\n\n"
            "Summers are now 1.8 °C hotter than in 1990, and the Old Town and the Station "
            "Quarter have the fewest trees. Three out of ten households spend more than a tenth "
            "of their income on energy.",
            "Valverde a émis 212 000 tonnes d'équivalent CO2 en 2024 : 41 % pour les transports, "
            "33 % pour le chauffage et la climatisation des bâtiments, 14 % pour les déchets et "
            "12 % pour le reste.\n\n"
            "Les étés sont aujourd'hui plus chauds de 1,8 °C qu'en 1990, et la Vieille Ville et "
            "le Quartier de la Gare sont les moins arborés. Trois ménages sur dix consacrent plus "
            "d'un dixième de leurs revenus à l'énergie.",
            "Valverde emitió 212.000 toneladas de CO2 equivalente en 2024: un 41 % del "
            "transporte, un 33 % de la climatización de edificios, un 14 % de los residuos y un "
            "12 % del resto.\n\n"
            "Los veranos son hoy 1,8 °C más calurosos que en 1990, y el Casco Antiguo y La "
            "Estación son los barrios con menos árboles. Tres de cada diez hogares dedican más "
            "de una décima parte de sus ingresos a la energía.",
        ),
        comments_open=True,
        comment_window=(-14, -1),
        organisation_comment=(5, "valverde-en-bici"),
        comments=(
            _t(
                "Transport is the biggest share: the plan should start with buses that run "
                "after 10 pm.",
                "Les transports pèsent le plus : le plan devrait commencer par des bus après "
                "22 heures.",
                "El transporte es lo que más pesa: el plan debería empezar por autobuses que "
                "funcionen después de las diez de la noche.",
            ),
            _t(
                "Could the diagnosis show the figures per district? Riverside floods, the Hills "
                "do not.",
                "Le diagnostic pourrait-il donner les chiffres par quartier ? Les Berges sont "
                "inondables, pas les Coteaux.",
                "¿Podría el diagnóstico dar las cifras por barrio? La Ribera se inunda, Las Lomas "
                "no.",
            ),
            _t(
                "Shade in the school playgrounds first, please.",
                "De l'ombre dans les cours d'école d'abord, s'il vous plaît.",
                "Primero sombra en los patios de los colegios, por favor.",
            ),
            _t(
                "Where does the 4.2 million come from, and is it on top of the normal budget?",
                "D'où viennent les 4,2 millions, et s'ajoutent-ils au budget normal ?",
                "¿De dónde salen los 4,2 millones y se suman al presupuesto ordinario?",
            ),
            _t(
                "Insulating the council's own buildings would set an example.",
                "Isoler d'abord les bâtiments de la mairie donnerait l'exemple.",
                "Aislar primero los edificios municipales daría ejemplo.",
            ),
            _t(
                "We will bring a proposal for a protected cycle lane from the station to the "
                "secondary school.",
                "Nous proposerons une piste cyclable protégée de la gare au lycée.",
                "Presentaremos una propuesta de carril bici protegido de la estación al instituto.",
            ),
            _t(
                "Thank you for the clear figures.",
                "Merci pour ces chiffres clairs.",
                "Gracias por las cifras tan claras.",
            ),
        ),
    ),
    DemoProcess(
        slug=UPCOMING_PROCESS,
        title=_t(
            "Riverside: what should the old mill become?",
            "Les Berges : que faire du vieux moulin ?",
            "La Ribera: ¿qué hacemos con el molino viejo?",
        ),
        subtitle=_t(
            "The council has bought the old flour mill and its garden; Riverside decides their "
            "future.",
            "La mairie a racheté l'ancienne minoterie et son jardin ; les Berges décident de "
            "leur avenir.",
            "El Ayuntamiento ha comprado la antigua harinera y su huerta; La Ribera decide su "
            "futuro.",
        ),
        description=_t(
            "The mill has been empty since 2011. The council bought it last year to give it "
            "back to the neighbourhood. Before any plan is drawn, residents of Riverside are "
            "asked what they need: a library, a market hall, housing, a park by the river, or "
            "something else.\n\n"
            "The process opens soon. You can already comment on this page if you are a "
            "verified resident of Riverside.",
            "Le moulin est vide depuis 2011. La mairie l'a acheté l'an dernier pour le rendre "
            "au quartier. Avant tout plan, les habitants des Berges sont invités à dire ce "
            "dont ils ont besoin : une bibliothèque, une halle, des logements, un parc au bord "
            "de l'eau, ou autre chose.\n\n"
            "La démarche ouvre bientôt. Vous pouvez déjà commenter cette page si vous êtes un "
            "habitant vérifié des Berges.",
            "El molino está vacío desde 2011. El Ayuntamiento lo compró el año pasado para "
            "devolverlo al barrio. Antes de dibujar ningún plan, se pregunta a la vecindad de "
            "La Ribera qué necesita: una biblioteca, un mercado, viviendas, un parque junto al "
            "río u otra cosa.\n\n"
            "El proceso se abre pronto. Ya puedes comentar en esta página si eres vecina o "
            "vecino verificado de La Ribera.",
        ),
        scope=_t(
            "The council will commission the project chosen by Riverside residents, within "
            "1.5 million euros.",
            "La mairie commandera le projet choisi par les habitants des Berges, dans la limite "
            "de 1,5 million d'euros.",
            "El Ayuntamiento encargará el proyecto que elija la vecindad de La Ribera, hasta "
            "1,5 millones de euros.",
        ),
        start=21,
        end=140,
        phases=(
            DemoPhase(
                _t("Listening", "Écoute", "Escucha"),
                _t(
                    "Walks around the mill and meetings with the neighbours.",
                    "Visites du moulin et rencontres avec les riverains.",
                    "Paseos por el molino y encuentros con la vecindad.",
                ),
                21,
                60,
            ),
            DemoPhase(
                _t("Design workshops", "Ateliers de conception", "Talleres de diseño"),
                _t(
                    "Architects and residents draw three options together.",
                    "Architectes et habitants dessinent ensemble trois options.",
                    "Arquitectura y vecindad dibujan juntas tres opciones.",
                ),
                61,
                100,
            ),
            DemoPhase(
                _t("Decision", "Décision", "Decisión"),
                _t(
                    "Verified residents of Riverside choose one option.",
                    "Les habitants vérifiés des Berges choisissent une option.",
                    "La vecindad verificada de La Ribera elige una opción.",
                ),
                101,
                140,
            ),
        ),
        active_phase=None,
        district="la-ribera",
        restricted=True,
        promoted=True,
        co_organisers=("av-la-ribera",),
        page_title=_t("The mill today", "Le moulin aujourd'hui", "El molino hoy"),
        page_body=_t(
            "The building has three floors and 2,400 m², with a 6,000 m² garden down to the "
            "river. The roof was repaired in the spring; the ground floor floods about once "
            "every ten years.\n\n"
            "Visits are organised every Saturday morning until the process opens.",
            "Le bâtiment compte trois niveaux et 2 400 m², avec un jardin de 6 000 m² qui "
            "descend jusqu'à la rivière. Le toit a été réparé au printemps ; le rez-de-chaussée "
            "est inondé environ une fois tous les dix ans.\n\n"
            "Des visites ont lieu chaque samedi matin jusqu'à l'ouverture de la démarche.",
            "El edificio tiene tres plantas y 2.400 m², con una huerta de 6.000 m² que baja "
            "hasta el río. El tejado se reparó en primavera; la planta baja se inunda más o "
            "menos una vez cada diez años.\n\n"
            "Hay visitas todos los sábados por la mañana hasta que se abra el proceso.",
        ),
        comments_open=True,
        comment_window=(-20, -1),
        verified_actions=("comment",),
        comments=(
            _t(
                "A covered market on the ground floor would bring life back to the riverside.",
                "Une halle couverte au rez-de-chaussée ramènerait de la vie au bord de l'eau.",
                "Un mercado cubierto en la planta baja devolvería la vida a la ribera.",
            ),
            _t(
                "Please keep the garden open to the public, whatever is decided for the building.",
                "Gardez le jardin ouvert au public, quoi qu'on décide pour le bâtiment.",
                "Que la huerta siga abierta al público, se decida lo que se decida con el "
                "edificio.",
            ),
            _t(
                "Affordable flats for young people from the neighbourhood.",
                "Des logements abordables pour les jeunes du quartier.",
                "Pisos asequibles para la gente joven del barrio.",
            ),
            _t(
                "Will the Saturday visits be accessible by wheelchair?",
                "Les visites du samedi sont-elles accessibles en fauteuil roulant ?",
                "¿Las visitas de los sábados son accesibles en silla de ruedas?",
            ),
        ),
    ),
    DemoProcess(
        slug=PAST_PROCESS,
        title=_t(
            "Old Town: streets for people",
            "Vieille Ville : des rues pour les piétons",
            "Casco Antiguo: calles para las personas",
        ),
        subtitle=_t(
            "Which streets of the Old Town become pedestrian, and how deliveries still get in.",
            "Quelles rues de la Vieille Ville deviennent piétonnes, et comment les livraisons "
            "passent encore.",
            "Qué calles del Casco Antiguo se hacen peatonales y cómo siguen llegando los repartos.",
        ),
        description=_t(
            "Residents, shopkeepers and the council agreed on a plan to make eleven streets of "
            "the Old Town pedestrian, with delivery hours from 7 to 11 am and access for "
            "residents' cars to their garages.\n\n"
            "The process is closed. The works are followed as commitments on the "
            "accountability pages.",
            "Habitants, commerçants et mairie se sont accordés sur un plan : onze rues de la "
            "Vieille Ville deviennent piétonnes, avec des livraisons de 7 h à 11 h et l'accès "
            "des riverains à leur garage.\n\n"
            "La démarche est close. Les travaux sont suivis comme engagements sur les pages de "
            "redevabilité.",
            "Vecindad, comercios y Ayuntamiento acordaron un plan para que once calles del "
            "Casco Antiguo sean peatonales, con horario de carga y descarga de 7 a 11 h y "
            "acceso de los coches de residentes a sus garajes.\n\n"
            "El proceso está cerrado. Las obras se siguen como compromisos en las páginas de "
            "rendición de cuentas.",
        ),
        scope=_t(
            "The mayor's office signed the traffic order that came out of the process.",
            "Le maire a signé l'arrêté de circulation issu de la démarche.",
            "La alcaldía firmó el bando de tráfico que salió del proceso.",
        ),
        start=-400,
        end=-120,
        phases=(
            DemoPhase(
                _t("Proposals", "Propositions", "Propuestas"),
                _t(
                    "Residents and shops proposed streets and rules.",
                    "Habitants et commerces ont proposé des rues et des règles.",
                    "Vecindad y comercios propusieron calles y normas.",
                ),
                -400,
                -330,
            ),
            DemoPhase(
                _t("Debate and vote", "Débat et vote", "Debate y votación"),
                _t(
                    "Two public debates and a vote of verified residents.",
                    "Deux débats publics et un vote des habitants vérifiés.",
                    "Dos debates públicos y una votación de la vecindad verificada.",
                ),
                -329,
                -290,
            ),
            DemoPhase(
                _t("Follow-up", "Suivi", "Seguimiento"),
                _t(
                    "The council reported on the first six months.",
                    "La mairie a rendu compte des six premiers mois.",
                    "El Ayuntamiento informó de los seis primeros meses.",
                ),
                -289,
                -120,
            ),
        ),
        active_phase=None,
        district="casco-antiguo",
        restricted=False,
        promoted=False,
        co_organisers=("comercio-vivo",),
        page_title=_t("Results of the vote", "Résultats du vote", "Resultados de la votación"),
        page_body=_t(
            "1,318 verified residents voted. 71% chose option B (eleven pedestrian streets with "
            "morning deliveries), 22% option A (five streets) and 7% no change.\n\n"
            "Six months later, footfall in the Old Town shops rose by 9% and noise at night fell "
            "by 4 decibels.",
            "1 318 habitants vérifiés ont voté. 71 % ont choisi l'option B (onze rues piétonnes "
            "avec livraisons le matin), 22 % l'option A (cinq rues) et 7 % aucun changement.\n\n"
            "Six mois plus tard, la fréquentation des commerces de la Vieille Ville a augmenté "
            "de 9 % et le bruit nocturne a baissé de 4 décibels.",
            "Votaron 1.318 vecinas y vecinos verificados. El 71 % eligió la opción B (once "
            "calles peatonales con repartos por la mañana), el 22 % la opción A (cinco calles) "
            "y el 7 % ningún cambio.\n\n"
            "Seis meses después, las visitas a los comercios del Casco Antiguo subieron un 9 % "
            "y el ruido nocturno bajó 4 decibelios.",
        ),
        comments_open=False,
        comment_window=(-329, -290),
        comments=(
            _t(
                "The morning delivery window works well for our bakery.",
                "Le créneau de livraison du matin convient bien à notre boulangerie.",
                "El horario de reparto de la mañana le va muy bien a nuestra panadería.",
            ),
            _t(
                "Calle Mayor is so much quieter now. Thank you.",
                "La Calle Mayor est tellement plus calme maintenant. Merci.",
                "La calle Mayor está mucho más tranquila ahora. Gracias.",
            ),
            _t(
                "Taxis for older residents still need a way in.",
                "Les taxis des personnes âgées doivent encore pouvoir entrer.",
                "Los taxis de las personas mayores todavía necesitan poder entrar.",
            ),
        ),
    ),
]

ASSEMBLY_SLUG = "mobility-assembly"
ASSEMBLY_SORTITION_SEATS = 6


# --------------------------------------------------------------------------- loading


def _day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def _moment(offset_days: int, rng: random.Random) -> datetime:
    return timezone.make_aware(
        datetime.combine(_day(offset_days), time(rng.randrange(8, 22), rng.randrange(0, 60)))
    )


def is_loaded() -> bool:
    from pnyx.core.models import SiteSettings, User

    return SiteSettings.objects.exists() or User.objects.filter(is_demo=True).exists()


def load() -> bool:
    """Fill an empty database with the demo municipality. False if it is already there (or the
    council has its own settings: the demo never writes over a real site)."""
    if is_loaded():
        return False
    with transaction.atomic():
        loader = _Loader()
        loader.run()
    return True


class _Loader:
    def __init__(self) -> None:
        self.password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 is slow on purpose
        self.districts: dict[str, Any] = {}
        self.staff: dict[str, Any] = {}
        self.residents: dict[int, Any] = {}
        self.organisations: dict[str, Any] = {}
        self.processes: dict[str, Any] = {}

    def run(self) -> None:
        self._site()
        self._districts()
        self._staff()
        self._residents()
        self._census_and_verification()
        self._organisations()
        self._processes()
        self._assembly()

    # -- council
    def _site(self) -> None:
        from pnyx.core.models import SiteSettings, StaticPage

        SiteSettings.objects.create(
            council_name=COUNCIL_NAME,
            tagline=TAGLINE,
            primary_colour=PRIMARY_COLOUR,
            accent_colour=ACCENT_COLOUR,
            contact_email="participa@valverde.example",
        )
        StaticPage.objects.bulk_create(
            StaticPage(slug=slug, title=title, body=body, position=position)
            for position, (slug, title, body) in enumerate(STATIC_PAGES)
        )

    def _districts(self) -> None:
        from pnyx.core.models import District

        created = District.objects.bulk_create(
            District(code=code, name=name) for code, name in DISTRICTS
        )
        self.districts = {district.code: district for district in created}

    # -- people
    def _users(self, people: list[dict[str, Any]]) -> list[Any]:
        from allauth.account.models import EmailAddress

        from pnyx.core.models import User

        users = User.objects.bulk_create(
            User(
                username=person["email"],
                password=self.password_hash,
                is_demo=True,
                **person,
            )
            for person in people
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        return users

    def _staff(self) -> None:
        from allauth.mfa.totp.internal.auth import TOTP

        from pnyx.core import audit
        from pnyx.core.models import StaffRole

        joined = timezone.now() - timedelta(days=900)
        users = self._users(
            [
                {
                    "email": staff.email,
                    "name": staff.name,
                    "preferred_language": "es",
                    "date_joined": joined,
                }
                for staff in STAFF
            ]
        )
        self.staff = {staff.key: user for staff, user in zip(STAFF, users, strict=True)}
        administrator = self.staff["administrator"]
        for staff in STAFF:
            user = self.staff[staff.key]
            TOTP.activate(user, DEMO_TOTP_SECRET)
            if staff.key == "manager":
                continue  # a space role, granted with the process
            StaffRole.objects.create(user=user, role=staff.key)
            audit.record(
                None if user is administrator else administrator,
                "role.grant",
                user,
                summary=staff.key,
                object_repr=f"account #{user.pk}",
            )

    def _residents(self) -> None:
        now = timezone.now()
        people = residents()
        users = self._users(
            [
                {
                    "email": r.email,
                    "name": r.name,
                    "nickname": r.nickname,
                    "preferred_language": r.language,
                    "date_joined": now - timedelta(days=r.joined_days_ago),
                }
                for r in people
            ]
        )
        self.residents = {r.number: user for r, user in zip(people, users, strict=True)}

    def _census_and_verification(self) -> None:
        from pnyx.core.verification import import_census, verify_by_staff, verify_with_census

        administrator = self.staff["administrator"]
        import_census(census_csv(), administrator)
        for resident in residents():
            user = self.residents[resident.number]
            if resident.verification == "census":
                assert resident.document is not None
                verify_with_census(user, resident.document, resident.birth_date)
            elif resident.verification == "staff":
                verify_by_staff(
                    administrator,
                    user,
                    self.districts[resident.district],
                    note="verified in person at the citizen service office",
                )

    def _organisations(self) -> None:
        from pnyx.core import audit
        from pnyx.core.models import Membership, Organisation

        rng = _rng("organisations")
        administrator = self.staff["administrator"]
        verified_at = timezone.now() - timedelta(days=200)
        taken: set[int] = {1, 2, 3}
        for spec in ORGANISATIONS:
            organisation = Organisation.objects.create(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                description=spec.description,
                website=spec.website,
                district=self.districts[spec.district] if spec.district else None,
            )
            self.organisations[spec.slug] = organisation
            if spec.slug == "av-la-ribera":
                admin_number = 3
            else:
                admin_number = rng.choice(
                    [n for n in range(4, RESIDENT_COUNT + 1) if n not in taken]
                )
                taken.add(admin_number)
            members = rng.sample(
                [n for n in range(4, RESIDENT_COUNT + 1) if n != admin_number], spec.members - 1
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        organisation=organisation,
                        user=self.residents[admin_number],
                        role=Membership.Role.ADMIN,
                    )
                ]
                + [Membership(organisation=organisation, user=self.residents[n]) for n in members]
            )
            if spec.verified:
                organisation.verified_at = verified_at
                organisation.verified_by = administrator
                organisation.save(update_fields=["verified_at", "verified_by"])
                audit.record(administrator, "organisation.verify", organisation)

    # -- spaces
    @staticmethod
    def _member_ids(organisation: Any) -> set[int]:
        return set(organisation.members.values_list("pk", flat=True))

    def _processes(self) -> None:
        from pnyx.comments.models import Comment
        from pnyx.comments.services import add_comment
        from pnyx.core import audit
        from pnyx.core.verification import is_verified
        from pnyx.pages.models import PageContent
        from pnyx.spaces.models import ComponentInstance, Phase, Process, SpaceRole

        rng = _rng("processes")
        administrator = self.staff["administrator"]
        manager = self.staff["manager"]
        for spec in PROCESSES:
            process = Process.objects.create(
                slug=spec.slug,
                title=spec.title,
                subtitle=spec.subtitle,
                description=spec.description,
                scope_of_decision=spec.scope,
                start_date=_day(spec.start),
                end_date=_day(spec.end),
                district=self.districts[spec.district] if spec.district else None,
                restrict_to_district=spec.restricted,
                promoted=spec.promoted,
            )
            self.processes[spec.slug] = process
            process.co_organisers.set([self.organisations[slug] for slug in spec.co_organisers])
            audit.record(administrator, "space.create", process)
            Phase.objects.bulk_create(
                Phase(
                    process=process,
                    title=phase.title,
                    description=phase.description,
                    start_date=_day(phase.start),
                    end_date=_day(phase.end),
                    position=position,
                    is_active=position == spec.active_phase,
                )
                for position, phase in enumerate(spec.phases)
            )
            if spec.slug in (ACTIVE_PROCESS, UPCOMING_PROCESS):
                SpaceRole.objects.create(space=process, user=manager, role=SpaceRole.Role.MANAGER)
                audit.record(
                    administrator,
                    "role.grant",
                    manager,
                    summary=f"manager of {spec.slug}",
                    object_repr=f"account #{manager.pk}",
                )
            component = ComponentInstance.objects.create(
                space=process,
                component="page",
                title=spec.page_title,
                published=True,
                settings={"verified_actions": list(spec.verified_actions)}
                if spec.verified_actions
                else {},
                actions_by_phase={"default": ["comment"]},
            )
            PageContent.objects.create(component=component, body=spec.page_body)
            process.published = True
            process.save(update_fields=["published", "updated_at"])
            audit.record(
                manager if spec.slug == ACTIVE_PROCESS else administrator, "space.publish", process
            )

            # Comments, written through the service (so they pass the same permission checks as
            # anyone's), then dated back to when they were written.
            district = process.participation_district()
            candidates = [
                r.number
                for r in residents()
                if r.number > 3
                and (district is None or is_verified(self.residents[r.number], district))
            ]
            authors = rng.sample(candidates, len(spec.comments))
            on_behalf: dict[int, Any] = {}
            if spec.organisation_comment is not None:
                index, slug = spec.organisation_comment
                organisation = self.organisations[slug]
                member_ids = self._member_ids(organisation)
                authors[index] = rng.choice(
                    sorted(
                        number
                        for number, user in self.residents.items()
                        if number > 3 and user.pk in member_ids and number not in authors
                    )
                )
                on_behalf[index] = organisation
            for index, (number, text) in enumerate(zip(authors, spec.comments, strict=True)):
                user = self.residents[number]
                comment = add_comment(
                    user, component, component, text[user.preferred_language], on_behalf.get(index)
                )
                Comment.objects.filter(pk=comment.pk).update(
                    created_at=_moment(rng.randrange(*spec.comment_window), rng)
                )
            if not spec.comments_open:
                component.actions_by_phase = {"default": []}
                component.save(update_fields=["actions_by_phase"])

    def _assembly(self) -> None:
        from pnyx.core import audit
        from pnyx.core.models import Verification
        from pnyx.spaces.models import Assembly, AssemblyMember

        rng = _rng("assembly")
        administrator = self.staff["administrator"]
        founded = _day(-150)
        assembly = Assembly.objects.create(
            slug=ASSEMBLY_SLUG,
            title=_t(
                "Citizens' Assembly on Mobility",
                "Assemblée citoyenne sur la mobilité",
                "Asamblea Ciudadana de Movilidad",
            ),
            subtitle=_t(
                "Residents drawn by lot advise the council on how Valverde moves.",
                "Des habitants tirés au sort conseillent la mairie sur les déplacements.",
                "Vecinas y vecinos elegidos por sorteo asesoran al Ayuntamiento sobre movilidad.",
            ),
            description=_t(
                "The assembly meets once a month in the town hall. Its recommendations are "
                "published here and the council answers each one in public within two months.",
                "L'assemblée se réunit une fois par mois à la mairie. Ses recommandations sont "
                "publiées ici et la mairie répond publiquement à chacune sous deux mois.",
                "La asamblea se reúne una vez al mes en el Ayuntamiento. Sus recomendaciones se "
                "publican aquí y el Ayuntamiento responde a cada una en público en dos meses.",
            ),
            body_type=Assembly.Body.CITIZENS,
            purpose=_t(
                "Recommend how to make getting around Valverde safer, cleaner and fairer, "
                "especially for people without a car.",
                "Recommander comment rendre les déplacements à Valverde plus sûrs, plus propres "
                "et plus justes, surtout pour qui n'a pas de voiture.",
                "Recomendar cómo hacer que moverse por Valverde sea más seguro, limpio y justo, "
                "sobre todo para quien no tiene coche.",
            ),
            composition=_t(
                "Six residents drawn by lot among verified residents (balanced by district, "
                "age and gender), a representative of a cycling organisation, an independent "
                "facilitator and the councillor for mobility, who does not vote.",
                "Six habitants tirés au sort parmi les habitants vérifiés (équilibrés par "
                "quartier, âge et genre), un représentant d'une association cycliste, une "
                "animatrice indépendante et le conseiller chargé de la mobilité, sans droit de "
                "vote.",
                "Seis personas sorteadas entre la vecindad verificada (equilibradas por barrio, "
                "edad y género), una persona representante de una entidad ciclista, una "
                "facilitadora independiente y el concejal de Movilidad, sin voto.",
            ),
            founded_on=founded,
        )
        audit.record(administrator, "space.create", assembly)
        drawn_pool = sorted(
            Verification.objects.filter(
                user__is_demo=True, user__staff_roles__isnull=True, user__space_roles__isnull=True
            )
            .exclude(
                user__email__in=[RESIDENT_EMAIL, VERIFIED_RESIDENT_EMAIL, ORGANISATION_ADMIN_EMAIL]
            )
            .values_list("user_id", flat=True)
        )
        drawn = rng.sample(drawn_pool, ASSEMBLY_SORTITION_SEATS)
        from pnyx.core.models import User

        people = {user.pk: user for user in User.objects.filter(pk__in=drawn)}
        cyclists = self.organisations["valverde-en-bici"]
        delegate = cyclists.membership_set.filter(role="admin").get().user
        member = _t("Member", "Membre", "Miembro")
        members = [
            AssemblyMember(
                assembly=assembly,
                full_name="Rafael Ortiz Campos",
                position=_t(
                    "Councillor for mobility (non-voting)",
                    "Conseiller chargé de la mobilité (sans vote)",
                    "Concejal de Movilidad (sin voto)",
                ),
                selection=AssemblyMember.Selection.EX_OFFICIO,
                since=founded,
                weight=0,
            ),
            AssemblyMember(
                assembly=assembly,
                full_name="Inés Latorre",
                position=_t("Facilitator", "Animatrice", "Facilitadora"),
                selection=AssemblyMember.Selection.APPOINTED,
                since=founded,
                weight=1,
            ),
            AssemblyMember(
                assembly=assembly,
                user=delegate,
                full_name=delegate.name,
                position=_t(
                    "Delegate of Valverde en Bici",
                    "Délégué de Valverde en Bici",
                    "Delegado de Valverde en Bici",
                ),
                selection=AssemblyMember.Selection.APPOINTED,
                organisation=cyclists,
                since=founded,
                weight=2,
            ),
        ]
        for index, user_id in enumerate(drawn):
            user = people[user_id]
            members.append(
                AssemblyMember(
                    assembly=assembly,
                    user=user,
                    full_name=user.name,
                    position=_t("Spokesperson", "Porte-parole", "Portavoz")
                    if index == 0
                    else member,
                    selection=AssemblyMember.Selection.SORTITION,
                    since=founded,
                    weight=3 + index,
                )
            )
        AssemblyMember.objects.bulk_create(members)
        assembly.published = True
        assembly.save(update_fields=["published", "updated_at"])
        audit.record(administrator, "space.publish", assembly)
