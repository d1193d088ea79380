"""Releases: from a suspected leak to closure, with the clocks the rule pack sets."""
