"""Field mode: the pack a phone carries to open tags and forms offline."""
