"""The Bot API method describing a stored file for download: getFile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.errors import ApiError
from bot.emulator.state import Event


class FileMethods(EmulatorBase):
    """getFile; the download itself is served under ``base_file_url``."""

    def _api_getFile(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            file = self._files.get(str(params.get("file_id", "")))
        if file is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": len(file.content),
            "file_path": file.file_path,
        }
