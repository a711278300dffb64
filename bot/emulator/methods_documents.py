"""The Bot API method that sends a file: sendDocument (an upload or a stored file's id)."""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Mapping
from typing import Any

from bot.emulator.checks import check_markup, render_text
from bot.emulator.decoding import Upload
from bot.emulator.errors import ApiError
from bot.emulator.methods_messages import MessageMethods
from bot.emulator.records import JsonDict
from bot.emulator.state import Event

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's limit for files a bot sends


class DocumentMethods(MessageMethods):
    """sendDocument: the file is stored, downloadable with getFile like any other."""

    def _api_sendDocument(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            chat = self._chat(params)
            content_bytes, name = self._document(params.get("document"))
            file = self._new_file(content_bytes, "documents", name.rpartition(".")[2] or "bin")
            document: JsonDict = {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "file_name": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "file_size": len(content_bytes),
            }
            content: JsonDict = {"document": document}
            caption = params.get("caption")
            if caption is not None:
                text, entities = render_text(
                    caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
                )
                if text:
                    content["caption"] = text
                if entities:
                    content["caption_entities"] = entities
            if (replied := self._reply_to(chat, params)) is not None:
                content["reply_to_message"] = replied
            markup = check_markup(params.get("reply_markup"))
            stored = self._store_bot_message(
                chat, content, markup, params, source="caption", document=content_bytes
            )
            events.append(("new", stored.snapshot()))
            return copy.deepcopy(stored.data)

    def _document(self, document: object) -> tuple[bytes, str]:
        """The file a sendDocument call gives and its name: an upload or a stored file's id."""
        if isinstance(document, bytes | bytearray):
            content = bytes(document)
            if not content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(content) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            name = document.filename if isinstance(document, Upload) else ""
            return content, name or "document"
        if isinstance(document, str) and document in self._files:
            stored = self._files[document]
            return stored.content, stored.file_path.rpartition("/")[2]
        if isinstance(document, str) and document.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        if document is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
