"""Closing a plan: the evaluation round, the knelpunten register, the evaluation report and
the next plan drafted from the advice."""
