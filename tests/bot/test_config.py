"""The config file: every key DESIGN.md names is documented, and mistakes name the key."""

import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, WhatsAppConfig, load, parse

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"
DESIGN_KEYS = {
    "database": {"url"},
    "telegram": {
        "token",
        "mode",
        "webhook_secret",
        "api_base_url",
        "api_file_url",
        "payment_provider_token",
    },
    "whatsapp": {
        "account_sid",
        "auth_token",
        "from_number",
        "api_base_url",
        "templates",
        "content_base_url",
        "pricing",
    },
    "web": {"host", "port", "public_url"},
    "town": {"name", "timezone", "locale", "currency"},
    "stripe": {"api_key", "webhook_secret", "api_base_url"},
}


def test_the_example_documents_every_key_of_the_design_and_loads():
    data = tomllib.loads(EXAMPLE.read_text())
    for section, keys in DESIGN_KEYS.items():
        assert keys <= set(data[section]), section
    config = load(str(EXAMPLE))
    assert config.database.url == "sqlite:///var/vitrine.db"
    assert config.town.timezone == "Europe/Paris"
    assert not config.telegram_enabled and not config.whatsapp_enabled
    # [whatsapp.pricing] documents every category `vitrine stats` prices, with the defaults.
    assert data["whatsapp"]["pricing"] == WhatsAppConfig().pricing


@pytest.mark.parametrize(
    "data, named",
    [
        ({"telegram": {"tokn": "x"}}, "[telegram] tokn"),
        ({"television": {}}, "[television]"),
        ({"web": {"port": "8080"}}, "[web] port"),
        ({"telegram": {"token": "1:x", "mode": "webhook"}}, "webhook_secret"),
        ({"telegram": {"mode": "carrier-pigeon"}}, "[telegram] mode"),
        ({"whatsapp": {"pricing": {"servise": 10}}}, "[whatsapp.pricing] servise"),
        ({"whatsapp": {"pricing": {"marketing": 1.5}}}, "[whatsapp.pricing] marketing"),
    ],
)
def test_a_mistake_names_the_key(data, named):
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse(data)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load(str(tmp_path / "nope.toml"))


def test_the_example_documents_every_key_the_code_reads():
    from dataclasses import fields

    from bot.config import Config

    data = tomllib.loads(EXAMPLE.read_text())
    for section in fields(Config):
        if section.name == "path":
            continue
        known = {f.name for f in fields(section.default_factory)}  # type: ignore[misc]
        documented = set(data.get(section.name, {}))
        assert known <= documented, (section.name, known - documented)
