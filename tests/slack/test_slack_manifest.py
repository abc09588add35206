"""manifest.yml is a valid Slack app manifest and lists exactly what the code registers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.adapters.slack import EVENTS_PATH
from bot.adapters.slack.app import BOT_EVENTS
from bot.adapters.slack.install import REDIRECT_PATH, SCOPES
from bot.adapters.slack.translate import COMMANDS
from tests.conftest import PLATFORM_DATA

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
SCHEMAS = PLATFORM_DATA / "slack-manifest-schema"


@pytest.fixture
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def _validator():
    if not SCHEMAS.is_dir():
        pytest.skip(f"Slack manifest schema not found at {SCHEMAS} (it sits beside the checkout in CI)")
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    top = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry = Registry()
    # The top-level schema refers to its versioned schemas by remote URL: serve the local copies instead.
    for ref in {r for r in json.dumps(top).split('"') if r.startswith("https://raw.githubusercontent.com/")}:
        local = SCHEMAS / ("schemas_" + ref.rsplit("/", 1)[1])
        registry = registry.with_resource(
            ref, Resource.from_contents(json.loads(local.read_text()), default_specification=DRAFT7)
        )
    return Draft7Validator(top, registry=registry)


def test_manifest_validates_against_slacks_schema(manifest):
    validator = _validator()
    errors = sorted(validator.iter_errors(manifest), key=str)
    assert not errors, [e.message for e in errors]
    # The check has teeth: Slack's own invalid example fails it, its valid example passes.
    invalid = json.loads((SCHEMAS / "tests_manifests_v1_manifest.invalid.json").read_text())
    valid = json.loads((SCHEMAS / "tests_manifests_v1_manifest.valid.json").read_text())
    assert list(validator.iter_errors(invalid)) and not list(validator.iter_errors(valid))
    broken = {**manifest, "settings": {**manifest["settings"], "bad_param": True}}
    assert list(validator.iter_errors(broken))


def test_manifest_lists_exactly_what_the_code_uses(manifest):
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == set(COMMANDS)
    # Escaped, every one: mentions arrive as ids (<@U…|name>), the only form the adapter reads as a mention.
    assert all(c["should_escape"] is True for c in commands)
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    # The code listens to "message" but only answers DMs: the subscription is message.im.
    assert sorted(events) == sorted("message.im" if e == "message" else e for e in BOT_EVENTS)
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    urls = [c["url"] for c in commands] + [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert {u.split("example.com", 1)[1] for u in urls} == {EVENTS_PATH}
    assert [u.split("example.com", 1)[1] for u in manifest["oauth_config"]["redirect_urls"]] == [REDIRECT_PATH]
