"""Operations: /metrics moves during a journey (every process counted), /healthz, /readyz."""

import json
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text

from tests.bot.test_processes import fill
from tests.fakes.processes import Fleet, Person, scrape

TG = 'channel="telegram"'
UPDATES = f"vitrine_updates_total{{{TG}}}"


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_metrics_move_during_a_journey_across_web_and_worker(db, tg, tmp_path):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    fleet = Fleet(tg, db.url, tmp_path, {"shared_limits": "postgresql", "poll_seconds": 2.0},
                  env={"PROMETHEUS_MULTIPROC_DIR": str(shared)})  # fmt: skip
    made = fill(db, fleet.media_root)
    tg.known_chats.update(m["merchant"] for m in made.values())
    try:
        fleet.start("web", "web0")
        fleet.start("worker", "worker0")
        web = fleet.web_urls[0]
        before = scrape(web)
        assert before["vitrine_outbox_depth{}"] == 0
        alice = Person(fleet, 777, "Alice")
        alice.say("/start town-belleme")
        alice.say(f"/start item-{made['belleme']['item']}")
        alice.say("1")
        alice.say("panier")
        answer = alice.say("1")
        for _ in range(5):
            if "téléphone" in answer:
                break
            answer = alice.say("1")
        summary = alice.say("06 12 34 56 78")  # the note is offered on the summary
        assert "confirmée" in alice.tap(summary, "Confirmer")
        merchant = made["belleme"]["merchant"]
        alice.fleet.tg.known_chats.add(merchant)
        deadline = time.monotonic() + 60
        while not any("Nouvelle commande" in (m.get("text") or m.get("caption") or "")
                      for m in tg.chat_log(merchant)):  # fmt: skip
            assert time.monotonic() < deadline, fleet.log("worker0")
            time.sleep(0.2)
        time.sleep(0.5)
        after = scrape(web)
        turns = after[f"vitrine_updates_total{{{TG}}}"] - before.get(
            f"vitrine_updates_total{{{TG}}}", 0
        )
        assert turns >= alice.turns  # every message of the journey, counted by the web process
        assert after[f"vitrine_replies_total{{{TG}}}"] > after[UPDATES] - 1
        assert after[f"vitrine_update_seconds_count{{{TG}}}"] >= turns
        # The worker's delivery shows on the web process's page (one folder for all).
        assert after[f'vitrine_deliveries_total{{{TG},result="sent"}}'] >= 1
        assert after["vitrine_outbox_depth{}"] == 0
    finally:
        fleet.stop()


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_readyz_and_json_logs_of_a_web_process(db, tg, tmp_path):
    fleet = Fleet(tg, db.url, tmp_path, {"shared_limits": "postgresql"})
    fill(db, fleet.media_root)
    try:
        fleet.start("web", "web0", "--log-format", "json", "-v")
        web = fleet.web_urls[0]
        bob = Person(fleet, 888, "Bob")
        update = bob._update(text="bonjour")
        fleet.post(0, update)
        bob.answer(0)
        lines = [
            json.loads(line) for line in fleet.log("web0").splitlines() if line.startswith("{")
        ]
        [handled] = [x for x in lines if x.get("update_id") == update["update_id"]]
        assert handled["message"].startswith("telegram update handled in")
        assert handled["chat"] == 888 and handled["level"] == "info"
        assert get(f"{web}/healthz") == (200, {"ok": True})
        assert get(f"{web}/readyz") == (200, {"ok": True})
        with db.engine.begin() as conn:  # as if an older release ran the database
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        try:
            assert get(f"{web}/readyz") == (503, {"ok": False, "migrations": "behind"})
            assert get(f"{web}/healthz") == (200, {"ok": True})  # alive all the same
        finally:  # the next tests share this database
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    finally:
        fleet.stop()


def test_json_log_lines_carry_the_order_number(capsys):
    import logging

    from bot.logs import configure
    from store import logctx

    configure(logging.INFO, "json")
    try:
        logctx.bind(order="A7K2")
        logging.getLogger("vitrine.test").warning("stock low")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert line["order"] == "A7K2" and line["message"] == "stock low"
    finally:
        logging.basicConfig(force=True)
