"""Pseudonyms and sealed values (bot/core/identity.py): stable, keyed, and not readable back."""

from bot.core.config import Settings
from bot.core.identity import DEVELOPMENT_KEY, _person, pseudonym, pseudonyms, rekey, seal, unseal


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_pseudonym_is_stable_per_workspace_and_scope_and_keyed():
    s = settings(pmo_bot_secret="k1")
    key = pseudonym(s, "T1", "retro:1:author", "U-ALICE")
    assert key == pseudonym(s, "T1", "retro:1:author", "U-ALICE") and len(key) == 64
    assert "U-ALICE" not in key
    assert key != pseudonym(s, "T2", "retro:1:author", "U-ALICE")  # two workspaces can't link a person
    assert key != pseudonym(s, "T1", "retro:2:author", "U-ALICE")  # nor two retros
    assert key != pseudonym(s, "T1", "retro:1:voter", "U-ALICE")  # nor her card and her votes
    assert key != pseudonym(s, "T1", "retro:1:author", "U-BOB")
    assert key != pseudonym(settings(pmo_bot_secret="k2"), "T1", "retro:1:author", "U-ALICE")  # the key matters
    assert pseudonyms(s, "T1", "U-ALICE")("retro:1:author") == key


def test_a_value_stored_before_scopes_is_rekeyed_to_the_same_pseudonym():
    s = settings(pmo_bot_secret="k1")
    old = _person(s, "T1", "U-ALICE")  # what rows kept before migration 0009 (64 characters there)
    assert rekey(s, "T1", "idea:7:submitter", old) == pseudonym(s, "T1", "idea:7:submitter", "U-ALICE")


def test_key_falls_back_to_platform_secrets_then_a_development_key():
    slack = settings(slack_signing_secret="sig")
    teams = settings(microsoft_app_password="pw")
    console = settings()
    keys = {pseudonym(s, "T1", "x", "U-ALICE") for s in (slack, teams, console)}
    assert len(keys) == 3
    assert pseudonym(slack, "T1", "x", "U-ALICE") != pseudonym(settings(pmo_bot_secret="sig"), "T1", "x", "U-ALICE")
    assert DEVELOPMENT_KEY  # console: a fixed key, same result every run
    assert pseudonym(console, "T1", "x", "U-ALICE") == pseudonym(settings(), "T1", "x", "U-ALICE")


def test_seal_round_trips_and_refuses_tampering_or_another_key():
    s = settings(pmo_bot_secret="k1")
    token = seal(s, "slack:T1:U-ALICE")
    assert "U-ALICE" not in token and token != seal(s, "slack:T1:U-ALICE")  # fresh each time
    assert unseal(s, token) == "slack:T1:U-ALICE"
    assert unseal(settings(pmo_bot_secret="k2"), token) is None
    assert unseal(s, token[:-4] + "AAAA") is None
    assert unseal(s, "not a token") is None
