"""Access rows for field mode: the scan page, the offline shell, the log-out warning, the pack."""

from tests.access import ANY_USER
from tests.access import PUBLIC
from tests.access import Row
from tests.access import profile

# Past the log-in, a cursor of no server is refused at `since` for everyone.
BAD_CURSOR = profile(
    anonymous=401, operator_a=422, operator_b=422, inspector=422, regulator=422, viewer=422
)

ROWS = [
    Row("GET", "/scan", PUBLIC),
    Row("GET", "/field/shell", ANY_USER),
    Row("GET", "/field/logout", ANY_USER),
    Row("GET", "/api/v1/field/pack", ANY_USER),
    Row("GET", "/api/v1/field/pack?mode=plan&limit=10", ANY_USER),
    Row("GET", "/api/v1/field/pack?since=99999999999999999", BAD_CURSOR),
]
