"""What the channels remember about delivering: platform file ids, people who can't be reached."""

from sqlmodel import Session

from store.models import TelegramFile


def telegram_file_id(*, session: Session, media_key: str) -> str | None:
    """The file_id Telegram gave `media_key` when it was first uploaded, if any."""
    row = session.get(TelegramFile, media_key)
    return row.file_id if row else None


def remember_telegram_file(*, session: Session, media_key: str, file_id: str) -> None:
    """Keep the file_id of an uploaded media file (the latest wins)."""
    row = session.get(TelegramFile, media_key)
    if row is None:
        session.add(TelegramFile(media_key=media_key, file_id=file_id))
    else:
        row.file_id = file_id


def forget_telegram_file(*, session: Session, media_key: str) -> None:
    """Drop a file_id Telegram no longer accepts (another bot token, expired)."""
    row = session.get(TelegramFile, media_key)
    if row is not None:
        session.delete(row)
