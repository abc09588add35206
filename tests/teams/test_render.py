"""The Adaptive Card renderer on its own: structure, escaping, inputs."""

from bot.adapters.teams.render import escape_markdown, render_activity, render_card
from bot.core import Button, Field, Form, Input, Reply, Section
from tests.conftest import assert_valid
from tests.teams.conftest import card_inputs, card_text


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
    assert len(card["actions"]) == 6  # Teams shows no more: the rest are in the "More…" menu


def test_buttons_beyond_six_go_into_a_more_menu_not_away(card_validator):
    def buttons(n):
        return [Button(f"B{i}", "a.d", str(i), style="danger" if i == 7 else None) for i in range(n)]

    few = render_card(Reply("x", buttons=buttons(9)))
    assert [a["title"] for a in few["actions"]] == ["B0", "B1", "B2", "B3", "B4", "More…"]
    menu = few["actions"][-1]
    assert menu["type"] == "Action.ShowCard"
    assert [(a["title"], a["data"]["pmo_value"]) for a in menu["card"]["actions"]] == [
        (f"B{i}", str(i)) for i in (5, 6, 7, 8)
    ]
    assert menu["card"]["actions"][2]["style"] == "destructive"

    many = render_card(Reply("x", buttons=buttons(40), form=Form("F", "f.go", [Input("a", "A")])))
    assert many["actions"][0]["data"]["pmo_action"] == "f.go" and len(many["actions"]) == 6
    [choices] = many["actions"][-1]["card"]["body"]
    assert choices["type"] == "Input.ChoiceSet" and len(choices["choices"]) == 40 - 4
    assert [c["title"] for c in choices["choices"]][:2] == ["B4", "B5"]
    for card in (few, many):
        assert_valid(card_validator, card)


def test_text_inputs_take_the_features_own_limit():
    form = Form("F", "f.go", [Input("details", "Details", kind="multiline", max_length=3000), Input("x", "X")])
    inputs = card_inputs(render_card(Reply("x", form=form)))
    assert inputs["details"]["maxLength"] == 3000
    assert inputs["x"]["maxLength"] == 5000  # no limit of its own: as much as a submit may carry back


def test_a_very_long_line_goes_on_in_the_next_run_instead_of_being_cut():
    line = " ".join(f"w{i:04d}" for i in range(2000))  # 11,999 characters, no line break
    card = render_card(Reply(line))
    runs = [r for b in card["body"] for r in b["inlines"]]
    assert len(runs) > 2 and all(len(r["text"]) <= 4000 for r in runs)
    assert " ".join(r["text"] for r in runs) == line


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
    inputs = card_inputs(card)
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


def test_a_button_value_as_long_as_the_contract_allows_is_read_back_even_from_the_more_menu():
    from bot.adapters.teams.render import MAX_FIELD_CHARS
    from bot.core import MAX_VALUE

    value = 'é"' * (MAX_VALUE // 2)
    card = render_card(Reply("x", buttons=[Button(f"B{i}", "a.b", value) for i in range(8)]))
    choice = card["actions"][-1]["card"]["actions"][-1]["data"]["pmo_value"]
    assert choice == value and len(value) <= MAX_FIELD_CHARS
