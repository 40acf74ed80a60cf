"""Pages that bring the features together (the overview, Mijn acties): they sit above the
feature packages, so imports run one way, from here down."""
