"""Read a JPEG's segments, to see what metadata a stored file still carries."""

from __future__ import annotations

import io

from PIL import Image

COM = 0xFE
APP1 = 0xE1  # EXIF (and XMP)


def markers(data: bytes) -> list[int]:
    """The markers of the segments before the image data (SOS), in file order."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    found, i = [], 2
    while i + 4 <= len(data):
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        found.append(marker)
        if marker == 0xDA:  # start of scan: the compressed image follows
            break
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return found


def jpeg_with_comment(comment: bytes = b"GPS 39.94N 116.43E; call 13800000000") -> bytes:
    """A JPEG carrying a COM segment and EXIF, as cameras and editors write them."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "JPEG", comment=comment, exif=exif)
    data = out.getvalue()
    assert COM in markers(data) and APP1 in markers(data), "the test file must carry both"
    return data
