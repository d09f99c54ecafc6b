"""The worklist: each role's start page says what needs them today, with counts and links (:mod:`.service`)."""
