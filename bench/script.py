"""The scripted customer, shared by the core and end-to-end benchmarks.

A customer starts, browses the shops, opens items, adds to the cart, searches, and checks out.
Each step either types text or taps an option whose action matches a pattern, among the
options of the bot's last replies. When a feature is not in main yet (or an item is sold out)
there is no such option: the customer types "menu" instead (a real person's way back), and
the benchmark prints how many steps did, so the mix it measured is known.

Half the customers come to search and order (exactly ten updates from the search to the
confirmed order), the other half to browse: with the issue's ten updates per customer, every
step of both journeys is measured.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass, field

# Mostly the demo town's items; a few words that find nothing, as people type them too.
SEARCHES = [
    "creme de marrons",
    "marrons",
    "chocolat",
    "coffret chocolats",
    "creme",
    "pyjama",
    "nuisette soie",
    "cadeau",
    "pull rouge",
    "confiture",
]
PHONE = "06 12 34 56 78"
CONFIRM = r"^co\.ok:\d+$"  # the tap that places the order


@dataclass(frozen=True)
class Step:
    text: str | None = None
    tap: str | None = None  # a pattern the tapped action matches, e.g. r"^shop:\d+$"
    first: bool = False  # the first matching option rather than any
    optional: bool = False  # skipped when no option matches (a day with few slots)


VISIT = (
    # Searching and ordering: ten updates from the search to the confirmed order (the first
    # ten of each customer's visit), adding straight from the results' list of items.
    Step(text="<search>"),
    Step(tap=r"^add:\d+$"),
    Step(tap=r"^co:\d+$", first=True),  # "Commander chez ..."
    # Pickup in the shop; a shop that only does pickup asks the day straight away.
    Step(tap=r"^co\.pickup:\d+$", optional=True),
    # A day, a part of it and a slot, each customer their own (with the first of each, the
    # crowd would all want today's first slot: most orders would end on "slot taken").
    Step(tap=r"^co\.day:\d+:\d+$"),
    Step(tap=r"^co\.day:\d+:\d+:", optional=True),  # morning / afternoon
    Step(tap=r"^co\.slot:"),
    Step(text=PHONE),
    Step(tap=r"^co\.skip:\d+$", optional=True),  # no note
    Step(tap=CONFIRM),
    # Browsing.
    Step(text="/start"),
    Step(tap=r"^cats$"),
    Step(tap=r"^cat:"),
    Step(tap=r"^shop:\d+$"),
    Step(tap=r"^items?:\d+"),
    Step(tap=r"^add:\d+$"),
)
BROWSE = VISIT.index(Step(text="/start"))


@dataclass
class Customer:
    """One scripted person: where they are in their visit and what they can tap."""

    ref: str
    rng: random.Random
    position: int = 0
    options: list[str] = field(default_factory=list)  # actions of the last replies
    items: list[str] = field(default_factory=list)  # item ids of the last list of items

    def next(self, tally: Counter[str]) -> tuple[str | None, str | None]:
        """(text, action) of this customer's next update."""
        step = VISIT[self.position % len(VISIT)]
        self.position += 1
        if step.text == "<search>":
            tally["search"] += 1
            return self.rng.choice(SEARCHES), None
        if step.text:
            tally[step.text if step.text.startswith("/") else "typed phone"] += 1
            return step.text, None
        pattern = step.tap or ""
        matches = [a for a in self.options if re.search(pattern, a)]
        if not matches and pattern == r"^add:\d+$":
            # Items listed but no card open: press a card's "add" directly, as the tests do.
            matches = [f"add:{item_id}" for item_id in self.items]
        if not matches and step.optional:
            return self.next(tally)
        if not matches:
            tally[f"fallback: no {pattern}"] += 1
            return "menu", None
        tally[pattern] += 1
        return None, matches[0] if step.first else self.rng.choice(matches)

    def saw(self, actions: list[str]) -> None:
        """The options of the replies just received (an empty reply keeps the old ones)."""
        if actions:
            self.options = actions
        items = [a.split(":")[1] for a in actions if re.match(r"^item:\d+$", a)]
        if items:
            self.items = items


def crowd(count: int, seed: int = 3) -> list[Customer]:
    """`count` customers, half of them starting with a search, half browsing."""
    rng = random.Random(seed)
    return [
        Customer(
            ref=str(100_000 + n),
            rng=random.Random(rng.random()),
            position=0 if n % 2 == 0 else BROWSE,
        )
        for n in range(count)
    ]


def describe(tally: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in tally.most_common())
