"""The misreadings that hurt most, tried in every combination: a closed day shown open, the lunch
break taken for the opening hours, "sur rendez-vous" taken for open hours, a crash on odd input."""

import random
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from store.hours import DAYS
from store.parsing.hours import parse_closures, parse_hours

FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
OPEN = (
    "du lundi au dimanche 9h-19h",
    "tous les jours de 9h à 12h et de 14h à 19h",
    "7j/7 9h/12h - 14h/19h",
    "lun-dim 9h30-19h",
    "ouvert tous les jours 8h-20h non-stop",
    "Lundi au Dimanche : 10h00 - 12h30 / 14h00 - 19h00",
)
CLOSED = (
    "fermé le {day}",
    "{day} fermé",
    "{Day} : fermé",
    "fermé {day}",
    "sauf le {day}",
    "{Day}: Fermé",
    "fermeture le {day}",
    "fermé les {day}s",
)


@pytest.mark.parametrize("closed", CLOSED)
@pytest.mark.parametrize("opening", OPEN)
def test_a_day_said_closed_is_never_shown_open(opening, closed):
    for index, day in enumerate(FRENCH_DAYS):
        words = closed.format(day=day, Day=day.capitalize())
        for text in (f"{opening}, {words}", f"{words}. {opening}", f"{words}, {opening}"):
            hours = parse_hours(text)
            assert hours is not None, text
            assert DAYS[index] not in hours, text
            assert len(hours) == 6, text


BREAKS = (
    "fermé de 12h à 14h",
    "pause déjeuner 12h-14h",
    "(fermé entre 12h et 14h)",
    "fermeture le midi de 12h à 14h",
    "pause 12h/14h",
)


@pytest.mark.parametrize("lunch", BREAKS)
def test_the_lunch_break_is_never_taken_for_the_opening_hours(lunch):
    for opening in (
        "lun-sam 9h-19h",
        "du lundi au samedi de 9h à 19h",
        "9h-19h du lundi au samedi",
    ):
        hours = parse_hours(f"{opening}, {lunch}")
        assert hours is not None
        assert hours["mon"] == [["09:00", "12:00"], ["14:00", "19:00"]], (opening, lunch)


@pytest.mark.parametrize(
    "appointment", ["sur rendez-vous", "sur RDV", "uniquement sur rendez-vous"]
)
def test_days_by_appointment_are_not_open(appointment):
    for index, day in enumerate(FRENCH_DAYS):
        others = [d for d in FRENCH_DAYS if d != day]
        opening = ", ".join(others) + " 9h-19h"
        for text in (
            f"{opening}, le {day} {appointment}",
            f"{day.capitalize()} : {appointment}. {opening}",
        ):
            hours = parse_hours(text)
            assert hours is not None and hours.appointment, text
            assert DAYS[index] not in hours and len(hours) == 6, text


def _phrases() -> list[str]:
    texts: list[str] = []
    for path in sorted((Path(__file__).resolve().parents[2] / "corpora").glob("*.toml")):
        with path.open("rb") as file:
            texts += [case["text"] for case in tomllib.load(file)["cases"]]
    return texts


def test_mangled_phrases_never_crash_and_always_give_well_formed_answers():
    texts = _phrases()
    rng = random.Random(12)
    letters = sorted(set("".join(texts)))
    for _ in range(3000):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and chars:
                del chars[min(at, len(chars) - 1)]
            else:
                chars.insert(at, rng.choice(letters))
        text = "".join(chars)
        hours = parse_hours(text)
        for spans in (hours or {}).values():
            assert all(a < b for a, b in spans) and spans == sorted(spans), text
            assert all(b[0] > a[1] for a, b in zip(spans, spans[1:], strict=False)), text
        closures = parse_closures(text, date(2026, 12, 8))
        assert all(a <= b for a, b in closures or []), text


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip
RANGES = (
    "fermé du {wd1} {d1} {m1} au {wd2} {d2} {m2} inclus",
    "du {d1:02d}/{n1:02d} au {d2:02d}/{n2:02d}",
    "congés du {d1} {m1} au {d2} {m2}",
    "Fermeture exceptionnelle du {d1}.{n1} au {d2}.{n2}",
    "{d1} {m1} → {d2} {m2}",
)


@pytest.mark.parametrize("written", RANGES)
def test_a_closure_range_closes_every_day_in_it_across_the_new_year(written):
    today = date(2026, 12, 8)
    rng = random.Random(written)
    for _ in range(150):
        first = today + timedelta(days=rng.randint(1, 300))
        last = first + timedelta(days=rng.randint(1, 25))
        text = written.format(
            wd1=FRENCH_DAYS[first.weekday()], wd2=FRENCH_DAYS[last.weekday()],
            d1=first.day, d2=last.day, n1=first.month, n2=last.month,
            m1=MONTHS[first.month - 1], m2=MONTHS[last.month - 1],
        )  # fmt: skip
        assert parse_closures(text, today) == [[first.isoformat(), last.isoformat()]], text
