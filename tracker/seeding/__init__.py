"""Seed loader: reads the human-edited files in ``seeds/`` and brings the database in line.

Two steps, so that a bad file never leaves half a plan behind: ``read_seeds`` parses and
validates every file into plain data (raising ``SeedError`` listing file and entry of each
problem), and only then ``apply_seeds`` writes, inside one transaction. Applying is idempotent:
rows are matched on natural keys (plan slug, theme number, action number, party and
municipality code) and only fields that differ are written, so progress history, which hangs
off the action rows, is never touched.
"""

from tracker.seeding.applying import SeedReport, apply_seeds
from tracker.seeding.reader import SeedError
from tracker.seeding.reading import SeedData, read_seeds

__all__ = ["SeedData", "SeedError", "SeedReport", "apply_seeds", "read_seeds"]
