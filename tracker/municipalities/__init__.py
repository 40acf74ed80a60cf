"""The 23 municipalities as first-class: each one's page with its borging (what it has in
place), its rows of the every-municipality actions in one form, the region's matrix and a
one-page overview to hand to the college or gemeenteraad."""
