"""Access rows for QR images and label sheets: operators print their own, staff any."""

from tests.access import OWN_OR_INSPECTOR
from tests.access import OWN_VIEW
from tests.access import Row
from tests.access import profile

# A program fetching the PDF without a log-in gets 401, not the log-in page.
OWN_OR_INSPECTOR_PDF = profile(anonymous=401, operator_b=404, viewer=403)

ROWS = [
    Row("GET", "/assets/{tank_a}/qr.svg", OWN_VIEW),
    Row("GET", "/assets/{pipe_a}/qr.png", OWN_VIEW),
    Row("GET", "/facilities/{fac_a}/labels", OWN_OR_INSPECTOR),
    Row("GET", "/facilities/{fac_a}/labels.pdf?stock=63x38", OWN_OR_INSPECTOR_PDF),
]
