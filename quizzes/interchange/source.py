"""The bytes of an uploaded file, checked before any reader looks at them."""

from __future__ import annotations

from quizzes.interchange.errors import FormatError

MAX_BYTES = 20_000_000  # 20 MB: about 70,000 questions of GIFT or 15,000 of Moodle XML


def check_size(data: str | bytes, *, max_bytes: int, format: str) -> bytes:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise FormatError.at(
            0,
            f"The file is {len(raw) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
            format=format,
        )
    return raw


def decode_text(data: str | bytes, *, max_bytes: int, format: str) -> str:
    """The file as text: UTF-8 (a byte-order mark dropped), line ends made "\\n"."""
    if isinstance(data, bytes):
        check_size(data, max_bytes=max_bytes, format=format)
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise FormatError.at(
                line, "This is not UTF-8 text; save the file as UTF-8.", format=format
            ) from None
    else:
        check_size(data, max_bytes=max_bytes, format=format)
    return data.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
