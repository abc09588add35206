"""Pseudonyms and sealed values (bot/core/identity.py): stable, keyed, and not readable back."""

from bot.core.config import Settings
from bot.core.identity import DEVELOPMENT_KEY, pseudonym, seal, unseal


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_pseudonym_is_stable_per_workspace_and_keyed():
    s = settings(pmo_bot_secret="k1")
    key = pseudonym(s, "T1", "U-ALICE")
    assert key == pseudonym(s, "T1", "U-ALICE") and len(key) == 64
    assert "U-ALICE" not in key
    assert key != pseudonym(s, "T2", "U-ALICE")  # two workspaces can't link a person
    assert key != pseudonym(s, "T1", "U-BOB")
    assert key != pseudonym(settings(pmo_bot_secret="k2"), "T1", "U-ALICE")  # the key matters


def test_key_falls_back_to_platform_secrets_then_a_development_key():
    slack = settings(slack_signing_secret="sig")
    teams = settings(microsoft_app_password="pw")
    console = settings()
    keys = {pseudonym(s, "T1", "U-ALICE") for s in (slack, teams, console)}
    assert len(keys) == 3
    assert pseudonym(slack, "T1", "U-ALICE") != pseudonym(settings(pmo_bot_secret="sig"), "T1", "U-ALICE")
    assert DEVELOPMENT_KEY  # console: a fixed key, same result every run
    assert pseudonym(console, "T1", "U-ALICE") == pseudonym(settings(), "T1", "U-ALICE")


def test_seal_round_trips_and_refuses_tampering_or_another_key():
    s = settings(pmo_bot_secret="k1")
    token = seal(s, "slack:T1:U-ALICE")
    assert "U-ALICE" not in token and token != seal(s, "slack:T1:U-ALICE")  # fresh each time
    assert unseal(s, token) == "slack:T1:U-ALICE"
    assert unseal(settings(pmo_bot_secret="k2"), token) is None
    assert unseal(s, token[:-4] + "AAAA") is None
    assert unseal(s, "not a token") is None
