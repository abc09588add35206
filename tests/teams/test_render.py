"""The Adaptive Card renderer on its own: structure, escaping, inputs."""

from bot.adapters.teams.render import escape_markdown, render_activity, render_card
from bot.core import Button, Field, Form, Input, Reply, Section
from tests.teams.conftest import card_text


def test_text_is_only_ever_in_text_runs():
    card = render_card(
        Reply(
            "**x**",
            title="# Title",
            sections=[Section(heading="_h_", text="line one\nline [two](http://x)", fields=[Field("*L*", "`v`")])],
        )
    )
    assert card_text(card).split("\n") == ["# Title", "_h_", "line one", "line [two](http://x)", "*L*", "`v`"]
    assert "'TextBlock'" not in str(card) and "'FactSet'" not in str(card)
    assert card["fallbackText"] == "\\*\\*x\\*\\*"


def test_escape_markdown_covers_links_emphasis_and_html():
    assert escape_markdown("[a](b) *c* _d_ <e> `f`") == "\\[a\\]\\(b\\) \\*c\\* \\_d\\_ \\<e\\> \\`f\\`"


def test_buttons_become_submit_actions_with_the_neutral_id_and_value():
    card = render_card(
        Reply(
            "x",
            buttons=[Button("Go", "a.b", "7", style="primary"), Button("No", "a.c", style="danger")]
            + [Button(f"B{i}", "a.d", str(i)) for i in range(10)],
        )
    )
    assert card["actions"][0] == {
        "type": "Action.Submit",
        "title": "Go",
        "style": "positive",
        "data": {"pmo_action": "a.b", "pmo_value": "7"},
    }
    assert card["actions"][1]["style"] == "destructive"
    assert len(card["actions"]) == 6  # Teams shows no more


def test_form_inputs_of_every_kind():
    form = Form(
        "New idea",
        "ideas.new",
        value="state-1",
        submit_label="Send",
        inputs=[
            Input("title", "Title", placeholder="Short"),
            Input("detail", "Detail", kind="multiline", optional=True),
            Input("area", "Area", kind="select", choices=[("1", "Roadmap"), ("2", "Budgets")], initial="2"),
            Input("anon", "Anonymous", kind="checkbox", optional=True),
        ],
    )
    card = render_card(Reply("Fill in", form=form))
    inputs = {i["id"]: i for i in card["body"] if i["type"].startswith("Input.")}
    assert inputs["title"]["type"] == "Input.Text" and inputs["title"]["isRequired"] is True
    assert inputs["detail"]["isMultiline"] is True and inputs["detail"]["isRequired"] is False
    assert inputs["area"]["choices"] == [{"title": "Roadmap", "value": "1"}, {"title": "Budgets", "value": "2"}]
    assert inputs["area"]["value"] == "2"
    assert (inputs["anon"]["valueOn"], inputs["anon"]["valueOff"]) == ("true", "")
    assert card["actions"][0]["data"] == {"pmo_action": "ideas.new", "pmo_value": "state-1"}


def test_activity_has_the_card_and_a_plain_summary():
    activity = render_activity(Reply("Hello *there*"))
    assert activity["summary"] == "Hello *there*"
    assert activity["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
