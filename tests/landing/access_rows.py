"""Access rows for the landing page of a tag: public, each role sees its own view."""

from tests.access import PUBLIC
from tests.access import Row

ROWS = [
    Row("GET", "/t/{tank_a.tag}", PUBLIC),
    Row("GET", "/t/lookup?tag={tank_a.tag}", PUBLIC, ok=302),
]
