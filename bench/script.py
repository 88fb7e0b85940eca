"""The scripted customer, shared by the core and end-to-end benchmarks.

A customer starts, browses the shops, opens items, adds to the cart, searches, and checks out.
Each step either types text or taps an option whose action starts with a given prefix, among
the options of the bot's last replies. Features that are not in main yet have no such option:
the customer then types "menu" instead (a real person's way back), and the benchmark counts
those fallbacks so the mix it measured is known.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

SEARCHES = ["chocolat", "creme de marrons", "pyjama", "nuisette soie", "coffret", "bijou",
            "pull rouge", "bougie", "cadeau", "miel"]


@dataclass(frozen=True)
class Step:
    text: str | None = None
    tap: str | None = None  # the prefix of the action to tap, e.g. "shop:"


# One customer's visit: ten updates (the 2,000 updates from 200 users).
VISIT = (
    Step(text="/start"),
    Step(tap="cats"),
    Step(tap="cat:"),
    Step(tap="shop:"),
    Step(tap="item:"),
    Step(tap="add:"),
    Step(text="<search>"),
    Step(tap="item:"),
    Step(tap="cart"),
    Step(tap="co:"),
)


@dataclass
class Customer:
    """One scripted person: where they are in their visit and what they can tap."""

    ref: str
    rng: random.Random
    position: int = 0
    options: list[str] = field(default_factory=list)  # actions of the last replies

    def next(self, tally: Counter[str]) -> tuple[str | None, str | None]:
        """(text, action) of this customer's next update."""
        step = VISIT[self.position % len(VISIT)]
        self.position += 1
        if step.text == "<search>":
            tally["search"] += 1
            return self.rng.choice(SEARCHES), None
        if step.text:
            tally[step.text] += 1
            return step.text, None
        # Checkout and cart steps may come in several taps: any co: option will do.
        matches = [a for a in self.options if a.startswith(step.tap or "")]
        if not matches:
            tally[f"fallback ({step.tap} missing)"] += 1
            return "menu", None
        tally[step.tap or ""] += 1
        return None, self.rng.choice(matches)

    def saw(self, actions: list[str]) -> None:
        """The options of the replies just received (an empty reply keeps the old ones)."""
        if actions:
            self.options = actions


def crowd(count: int, seed: int = 3) -> list[Customer]:
    rng = random.Random(seed)
    return [Customer(ref=str(100_000 + n), rng=random.Random(rng.random())) for n in range(count)]


def describe(tally: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in tally.most_common())
