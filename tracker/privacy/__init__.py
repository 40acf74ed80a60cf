"""The privacy guard: the tracker holds plans, progress and meetings, never victim or case
data. ``detect`` finds personal data in Dutch text; ``guard`` applies it to every form and
import. Low in the package order: every feature's forms use it. (What slipped in is taken
out by ``tracker.redaction``.)"""
