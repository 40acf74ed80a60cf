"""Taking out what slipped past the privacy guard: every stored text people type (targets),
the scan over them, redaction that erases a text wherever it was copied, and the beheerder's
pages. Above the feature packages, since it knows where each of them keeps text."""
