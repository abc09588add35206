"""Normalisation keeps real words apart and folds word forms together (no database needed)."""

import pytest

from handlers.ownership.matching import AreaIndex, _english_slips, _speller, english, key, tokens


@pytest.mark.parametrize(
    "a, b",
    [
        ("testing", "test"),
        ("deployments", "deploy"),
        ("prioritises", "prioritisation"),
        ("prioritizes", "prioritisation"),
        ("Roadmaps!", "the roadmap"),
        ("POs", "PO"),
        ("SLAs", "SLA"),
        ("service catalog", "service catalogue"),
        ("licenses", "licence"),
    ],
)
def test_word_forms_share_a_key(a, b):
    assert key(a) == key(b)


@pytest.mark.parametrize(
    "a, b", [("IT budget", "funding"), ("IT budget", "budget"), ("HR", "PO"), ("production", "product")]
)
def test_real_words_stay_apart(a, b):
    assert key(a) != key(b)


def test_function_words_are_dropped_before_stemming():
    assert tokens("what does the PMO own") == ("pmo", "own")  # "does" is not "doe"
    assert tokens("IT, HR, QA, EA, CAB, OKR") == ("it", "hr", "qa", "ea", "cab", "okr")


def test_it_is_a_word_in_names_and_where_a_pronoun_cannot_stand():
    index = AreaIndex([(1, "IT budget", []), (2, "Project funding", ["funding"])])
    assert index.match("the it budget").best.name == "IT budget"
    assert index.match("funding").best.name == "Project funding"


def test_registry_words_are_read_through_compounds_forms_and_typos():
    index = AreaIndex(
        [
            (1, "Timesheets", []),
            (2, "On-call rota", []),
            (3, "IT audits", []),
            (4, "Data centre and hosting", []),
            (5, "Learning and development", []),
        ]
    )
    for question, area in [
        ("time-sheets", "Timesheets"),
        ("time sheets", "Timesheets"),
        ("oncall rota", "On-call rota"),
        ("auditors", "IT audits"),
        ("datacenter", "Data centre and hosting"),
        ("L&D", "Learning and development"),
        ("timeshets", "Timesheets"),
    ]:
        match = index.match(question)
        assert (match.kind, match.best.name) == ("answer", area), question


def test_one_unexplained_word_keeps_a_partial_match_from_being_answered():
    index = AreaIndex([(1, "Release management", ["releases"]), (2, "Enterprise roadmap", ["roadmap"])])
    assert index.match("release party").kind == "unknown"
    assert index.match("product roadmap for the mobile app").kind == "unknown"
    assert index.match("the quarterly releases these days").kind == "answer"


def test_did_you_mean_needs_two_close_areas():
    index = AreaIndex([(1, "Delivery framework", []), (2, "Value discovery and delivery", [])])
    match = index.match("delivery")
    assert match.kind == "ambiguous" and len(match.candidates) == 2
    lone = AreaIndex([(1, "Delivery framework", [])]).match("delivery wiki")
    assert lone.kind == "unknown" and lone.candidates[0].name == "Delivery framework"


def test_an_area_named_by_a_rare_word_is_weighed_before_many_sharing_a_common_one():
    # Ties are weighed first-come, and only so many: 40 areas mention files in their notes. They
    # came first (the question's word order), and the one area named "backup" was never weighed.
    entries = [(n, f"Team space {n}", [], "Shared files of the team.", "") for n in range(1, 41)]
    index = AreaIndex([*entries, (41, "Backup and disaster recovery", [], "", "")])
    match = index.match("files in backup")
    assert match.candidates and match.candidates[0].name == "Backup and disaster recovery"


def test_a_party_description_shared_by_hundreds_of_areas_does_not_hide_the_area_a_question_names():
    # One party accountable for 300 delivery areas, its description mentioning dashboards: each of
    # them had both words of "delivery dashboard", so all looked as good as the one area named so,
    # the weighing stopped at its limit, and the question that names an area got "I don't know".
    about = "Runs delivery for the business and keeps the dashboard of every team up to date."
    entries = [(n, f"Delivery {n} wave", [], "", about) for n in range(1, 301)]
    index = AreaIndex([*entries, (301, "Dashboard delivery", [], "", about)])
    match = index.match("delivery dashboard")
    assert match.kind == "answer" and match.best.name == "Dashboard delivery"


def test_production_is_no_product_and_tech_is_technology():
    index = AreaIndex(
        [
            (1, "Product owner practice", []),
            (2, "Incident management", ["outages"]),
            (3, "Change management", [], "Every production change goes through a change request.", ""),
            (4, "IT strategy", ["technology strategy"]),
            (5, "Technology standards", ["tech radar"]),
        ]
    )
    # "prod" is short for production, which the stemmer once folded into "product".
    assert index.match("prod is down").best.name == "Incident management"
    assert index.match("production changes").best.name == "Change management"
    # A registry that says both "tech" and "technology" means one word by them.
    assert index.match("tech strategy").kind == "answer"
    assert index.match("tech strategy").best.name == "IT strategy"


def test_words_the_thesaurus_reads_each_as_the_other_are_one_word_in_a_registry_with_both():
    index = AreaIndex([(1, "Supplier invoices", []), (2, "Vendor management", ["suppliers"])])
    # Invoices from vendors are the suppliers' invoices, not vendor management.
    assert index.match("invoices from vendors").best.name == "Supplier invoices"
    assert index.match("invoices from vendors").kind == "answer"


@pytest.mark.parametrize("word", ["lciensing", "aduitors", "sysetm", "platns", "erorrs", "whta"])
def test_english_slips_are_those_pyspellchecker_finds(word):
    # _english_slips makes the slips itself, with the letters people type; the words are the same.
    found = {w for w in _speller().edit_distance_1(word) if w in english()}
    assert set(_english_slips(word)) == found and found
