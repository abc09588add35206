"""`pmo-bot teams-package` builds a zip Teams accepts: a valid manifest and the two icons."""

import json
import struct
import zipfile
import zlib

import jsonschema
import pytest

from bot.adapters.teams import package
from bot.assembly.cli import main
from bot.assembly.features import commands
from tests.conftest import PLATFORM_DATA

APP_ID = "5f0c3a52-7b1e-4c9a-9d7e-2a6b3c4d5e6f"
SCHEMAS = PLATFORM_DATA / "teams-manifest-schema"


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG with unfiltered rows (what we write)."""
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    pixels = []
    for y in range(height):
        row = raw[y * stride : (y + 1) * stride]
        assert row[0] == 0
        pixels += [tuple(row[1 + 4 * x : 5 + 4 * x]) for x in range(width)]
    return width, height, pixels


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "pmo-bot-teams.zip"
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_a_manifest_and_two_icons_at_its_root(built):
    assert sorted(built) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(built["manifest.json"])
    assert manifest["id"] == APP_ID and manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert {"help", "who owns", "improve", "retro", "meetup"} <= set(titles)
    assert not any(t.startswith(("area", "party", "gaps", "audit")) for t in titles)  # admin commands stay out


def test_the_icons_are_the_sizes_teams_requires(built):
    width, height, pixels = decode_png(built["color.png"])
    assert (width, height) == (192, 192) and all(p[3] == 255 for p in pixels)
    assert len(set(pixels)) > 1
    width, height, pixels = decode_png(built["outline.png"])
    assert (width, height) == (32, 32)
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in pixels)  # white on transparent only
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)


@pytest.mark.parametrize("version", package.MANIFEST_VERSIONS)
def test_the_manifest_validates_against_the_teams_schema(version):
    path = SCHEMAS / f"MicrosoftTeams.schema.v{version}.json"
    if not path.exists():
        pytest.skip(f"Teams manifest schema not found at {path} (../shared/platform-data is beside the checkout in CI)")
    validator = jsonschema.Draft4Validator(json.loads(path.read_text(encoding="utf-8")))
    manifest = package.build_manifest(APP_ID, manifest_version=version, commands=commands())
    errors = list(validator.iter_errors(manifest))
    assert not errors, [e.message for e in errors]
    assert list(validator.iter_errors({**manifest, "id": "not-a-guid"}))  # the check can fail


def test_supplied_icons_are_used_and_checked(tmp_path, capsys):
    colour, outline = tmp_path / "c.png", tmp_path / "o.png"
    colour.write_bytes(package.png(192, 192, lambda x, y: (200, 0, 0, 255)))
    outline.write_bytes(package.png(32, 32, lambda x, y: (255, 255, 255, 0)))
    out = tmp_path / "app.zip"
    args = ["teams-package", "--app-id", APP_ID, "--out", str(out), "--color-icon", str(colour)]
    assert main([*args, "--outline-icon", str(outline)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert archive.read("color.png") == colour.read_bytes()
    assert main([*args, "--outline-icon", str(colour)]) == 1  # 192×192 is not an outline icon
    assert "Teams needs 32×32" in capsys.readouterr().err


def test_the_app_id_defaults_to_the_environment_and_must_be_a_guid(tmp_path, monkeypatch, capsys):
    out = tmp_path / "app.zip"
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    assert main(["teams-package", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["bots"][0]["botId"] == APP_ID
    assert main(["teams-package", "--app-id", "my-bot", "--out", str(out)]) == 1
    assert "GUID" in capsys.readouterr().err


def test_command_descriptions_are_cut_between_words():
    manifest = package.build_manifest(APP_ID, commands=commands())
    infos = commands()
    full = " ".join([info.summary for info in infos] + [info.words for info in infos])
    words = {w.strip(",.;:()?…") for w in full.split()}
    clipped = 0
    for command in manifest["bots"][0]["commandLists"][0]["commands"]:
        text = command["description"]
        assert len(text) <= 128 and len(command["title"]) <= 32
        if "…" in text:  # shortened: only whole words of what it says in full
            clipped += 1
            assert all(w.strip(",.;:()?…") in words for w in text.split()), text
        assert text.count("(") == text.count(")")
    assert clipped  # the long ones (improve, retro) were shortened, so the check above ran
    assert package.clip("Retro (start, status, reveal)", 22) == "Retro (start, status…)"
    assert package.clip("word " * 40, 128).endswith("word…") and len(package.clip("x" * 200, 128)) <= 128
