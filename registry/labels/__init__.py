"""QR codes of asset tags and printable label sheets."""
