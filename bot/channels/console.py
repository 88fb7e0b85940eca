"""The console channel: the same conversation in a terminal, or scripted through a pipe."""

import sys
from pathlib import Path
from typing import TextIO

from handlers.core import Incoming, Reply
from handlers.engine import Engine
from handlers.i18n import language_of, t
from store.media import TOO_BIG, MediaStore, NotAnImage


def render(replies: list[Reply], media: MediaStore | None = None) -> str:
    """Replies as plain text: options as numbered lines, links spelled out."""
    blocks = []
    for reply in replies:
        lines = []
        if reply.photo:
            where = media.path(reply.photo) if media else reply.photo
            lines.append(f"[photo: {where}]")
        lines.append(reply.text)
        number = 0
        for option in reply.options:
            if option.url:
                lines.append(f"   🔗 {option.label}: {option.url}")
            else:
                number += 1
                lines.append(f"  {number}. {option.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class ConsoleChannel:
    """One person typing lines; `send` returns the bot's replies."""

    name = "console"

    def __init__(self, engine: Engine, user: str = "console", language: str = "fr") -> None:
        self.engine = engine
        self.user = user
        self.language = language

    @property
    def media(self) -> MediaStore:
        return self.engine.ctx.media

    def incoming(self, line: str) -> Incoming:
        """A typed line as the core sees it; `/photo PATH [caption]` sends a picture."""
        line = line.rstrip("\n")
        if line.startswith("/photo "):
            _, _, rest = line.partition(" ")
            paths: list[str] = []
            caption: list[str] = []
            for word in rest.split(" "):
                (paths if not caption and Path(word).is_file() else caption).append(word)
            if not paths:
                # A mistyped path must not turn the caption into an answer to the last question.
                raise FileNotFoundError(
                    t(language_of(self.language), "console_no_photo", path=rest.split(" ")[0])
                )
            photos = tuple(self.media.put_image(Path(p).read_bytes()) for p in paths)
            return Incoming(
                "console",
                self.user,
                text=" ".join(caption) or None,
                photos=photos,
                language=self.language,
            )
        if line.startswith("/location "):
            lat, _, lon = line.removeprefix("/location ").partition(" ")
            return Incoming(
                "console", self.user, location=(float(lat), float(lon)), language=self.language
            )
        return Incoming("console", self.user, text=line, language=self.language)

    def send(self, line: str) -> list[Reply]:
        try:
            incoming = self.incoming(line)
        except NotAnImage as exc:
            # The core answers in the person's language and keeps what they entered.
            reason = "big" if str(exc) == TOO_BIG else "other"
            incoming = Incoming(
                "console", self.user, action=f"mfile:{reason}", language=self.language
            )
        except FileNotFoundError as exc:
            return [Reply(f"⚠️ {exc.args[0]}")]
        except (ValueError, OSError) as exc:
            return [Reply(f"⚠️ {exc}")]
        replies = self.engine.handle(incoming)
        self.engine.delivered(replies)  # shown on the screen at once
        return replies

    def say(self, line: str) -> str:
        """Send a line and return the replies as the terminal shows them."""
        return render(self.send(line), self.media)

    def repl(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        """Read lines until end of input; a prompt only when a person is typing."""
        interactive = stdin.isatty()
        if interactive:
            stdout.write(self.say("/start") + "\n\n")
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            if not line.strip():
                continue
            if not interactive:
                stdout.write(f"> {line.strip()}\n")
            stdout.write(self.say(line) + "\n\n")
            stdout.flush()
