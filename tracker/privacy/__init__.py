"""The privacy guard: the tracker holds plans, progress and meetings, never victim or case
data. ``detect`` finds personal data in Dutch text; ``guard`` applies it to every form and
import; ``redaction`` takes out what slipped in, everywhere it was copied; ``scan`` checks
what is stored."""
