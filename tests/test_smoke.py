async def test_first_question_works(person):
    alice = person()
    out = await alice.say("who owns the enterprise roadmap?")
    assert "PMO is accountable for Enterprise roadmap" in out
