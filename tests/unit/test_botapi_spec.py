"""The request validator built from the official Bot API description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.botapi import SPEC_ENV_VAR, BotApiSpec, default_spec_path


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    """The description, loaded once for this module."""
    return BotApiSpec.load()


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    """An inline keyboard with one row."""
    return {"inline_keyboard": [list(buttons)]}


def valid_message(**overrides: object) -> dict[str, object]:
    """sendMessage parameters that pass, with overrides."""
    params: dict[str, object] = {
        "chat_id": 42,
        "text": "Hello <b>there</b>",
        "parse_mode": "HTML",
        "reply_markup": keyboard(
            {"text": "Yes", "callback_data": "answer:yes"},
            {"text": "Docs", "url": "https://example.org"},
        ),
        "link_preview_options": {"is_disabled": True},
        "reply_parameters": {"message_id": 3, "allow_sending_without_reply": True},
        "disable_notification": False,
    }
    params.update(overrides)
    return params


def test_valid_send_message_passes(spec: BotApiSpec) -> None:
    assert spec.validate("sendMessage", valid_message()) == []


def test_spec_is_the_shared_description(spec: BotApiSpec) -> None:
    assert spec.version.startswith("Bot API")
    assert "sendMessage" in spec.methods
    assert spec.param_types("sendMessage", "chat_id") == ("Integer", "String")
    assert spec.param_types("sendMessage", "nope") is None


def test_spec_path_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    assert default_spec_path().parts[-3:] == ("shared", "botapi", "api.json")
    other = tmp_path / "api.json"
    other.write_text(
        '{"version": "Bot API 0.1", "methods": {"ping": {"name": "ping"}}, "types": {}}',
        encoding="utf-8",
    )
    monkeypatch.setenv(SPEC_ENV_VAR, str(other))
    small = BotApiSpec.load()
    assert small.version == "Bot API 0.1"
    assert small.validate("ping", {}) == []
    assert small.validate("ping", {"x": 1}) == ["ping: unknown field 'x'"]


def test_unknown_method_fails_and_names_are_case_sensitive(spec: BotApiSpec) -> None:
    assert spec.validate("sendMessages", {}) == ["unknown method 'sendMessages'"]
    (problem,) = spec.validate("sendmessage", valid_message())
    assert "did you mean 'sendMessage'" in problem


def test_unknown_param_fails(spec: BotApiSpec) -> None:
    problems = spec.validate("sendMessage", valid_message(txt="typo"))
    assert problems == ["sendMessage: unknown field 'txt'"]


def test_parameterless_method_takes_no_params(spec: BotApiSpec) -> None:
    assert spec.validate("getMe", {}) == []
    assert spec.validate("getMe", {"chat_id": 1}) == ["getMe: unknown field 'chat_id'"]


def test_missing_chat_id_fails(spec: BotApiSpec) -> None:
    params = valid_message()
    del params["chat_id"]
    assert spec.validate("sendMessage", params) == ["sendMessage.chat_id: required but missing"]


def test_text_length_limits(spec: BotApiSpec) -> None:
    plain = {"parse_mode": None, "entities": None}
    assert spec.validate("sendMessage", valid_message(text="x" * 4096, **plain)) == []
    problems = spec.validate("sendMessage", valid_message(text="x" * 4097, **plain))
    assert problems == ["sendMessage.text: 4097 characters, must be 1-4096"]
    assert spec.validate("sendMessage", valid_message(text="", **plain))
    edit = {"chat_id": 1, "message_id": 2, "text": "y" * 4097}
    assert spec.validate("editMessageText", edit) == [
        "editMessageText.text: 4097 characters, must be 1-4096"
    ]


def test_text_length_is_measured_after_entities_parsing(spec: BotApiSpec) -> None:
    marked_up = "<b>" + "x" * 4090 + "</b>"
    assert spec.validate("sendMessage", valid_message(text=marked_up)) == []
    problems = spec.validate("sendMessage", valid_message(text="<i>" + "x" * 4097 + "</i>"))
    assert problems == ["sendMessage.text: 4097 characters after entities parsing, must be 1-4096"]


def test_caption_and_callback_answer_limits(spec: BotApiSpec) -> None:
    photo = {"chat_id": 1, "photo": b"\x89PNG", "caption": "c" * 1024}
    assert spec.validate("sendPhoto", photo) == []
    assert spec.validate("sendPhoto", {**photo, "caption": "c" * 1025}) == [
        "sendPhoto.caption: 1025 characters, must be 0-1024"
    ]
    answer = {"callback_query_id": "77", "text": "t" * 200}
    assert spec.validate("answerCallbackQuery", answer) == []
    assert spec.validate("answerCallbackQuery", {**answer, "text": "t" * 201}) == [
        "answerCallbackQuery.text: 201 characters, must be 0-200"
    ]


def test_callback_data_limit_is_in_utf8_bytes(spec: BotApiSpec) -> None:
    ok = keyboard({"text": "A", "callback_data": "é" * 32})
    assert spec.validate("sendMessage", valid_message(reply_markup=ok)) == []
    too_long = keyboard({"text": "A", "callback_data": "a" + "é" * 32})
    problems = spec.validate("sendMessage", valid_message(reply_markup=too_long))
    assert problems == [
        "sendMessage.reply_markup.inline_keyboard[0][0].callback_data: 65 bytes, must be 1-64"
    ]


def test_wrong_types_fail(spec: BotApiSpec) -> None:
    assert spec.validate("sendMessage", valid_message(chat_id=True)) == [
        "sendMessage.chat_id: expected Integer or String, got Boolean"
    ]
    assert spec.validate("sendMessage", valid_message(disable_notification="yes")) == [
        "sendMessage.disable_notification: expected Boolean, got String"
    ]
    assert spec.validate("sendMessage", valid_message(text=12)) == [
        "sendMessage.text: expected String, got Integer"
    ]
    assert spec.validate("sendMessage", valid_message(reply_markup="[]"))
    assert spec.validate("deleteMessage", {"chat_id": "@channel", "message_id": 1.5}) == [
        "deleteMessage.message_id: expected Integer, got Float"
    ]


def test_bad_nested_buttons_fail(spec: BotApiSpec) -> None:
    def problems(*buttons: dict[str, Any]) -> list[str]:
        return spec.validate("sendMessage", valid_message(reply_markup=keyboard(*buttons)))

    where = "sendMessage.reply_markup.inline_keyboard[0][0]"
    assert problems({"text": "No action"}) == [
        f"{where}: a button needs exactly one action field, found none"
    ]
    assert problems({"text": "Two", "callback_data": "a", "url": "https://x.org"}) == [
        f"{where}: a button needs exactly one action field, found url, callback_data"
    ]
    assert problems({"callback_data": "a"}) == [f"{where}.text: required but missing"]
    assert problems({"text": "A", "callback_data": "a", "colour": "red"}) == [
        f"{where}: unknown field 'colour'"
    ]
    assert problems({"text": "A", "callback_data": "a", "style": "loud"}) == [
        f"{where}.style: 'loud' is not one of danger, primary, success"
    ]
    not_rows = spec.validate("sendMessage", valid_message(reply_markup={"inline_keyboard": [{}]}))
    assert not_rows == [
        "sendMessage.reply_markup.inline_keyboard[0]: expected Array of InlineKeyboardButton, "
        "got object"
    ]


def test_other_reply_markups_pass(spec: BotApiSpec) -> None:
    reply_keyboard = {
        "keyboard": [[{"text": "Share", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    assert spec.validate("sendMessage", valid_message(reply_markup=reply_keyboard)) == []
    assert spec.validate("sendMessage", valid_message(reply_markup={"remove_keyboard": True})) == []
    assert spec.validate("sendMessage", valid_message(reply_markup={"force_reply": True})) == []


def test_parse_mode_must_be_known(spec: BotApiSpec) -> None:
    for mode in ("HTML", "Markdown", "MarkdownV2"):
        assert spec.validate("sendMessage", valid_message(text="plain", parse_mode=mode)) == []
    assert spec.validate("sendMessage", valid_message(parse_mode="html")) == [
        "sendMessage.parse_mode: 'html' is not one of HTML, Markdown, MarkdownV2"
    ]


def test_bot_commands(spec: BotApiSpec) -> None:
    def check(command: str, description: str = "Do it", **extra: object) -> list[str]:
        params = {"commands": [{"command": command, "description": description}], **extra}
        return spec.validate("setMyCommands", params)

    assert check("start_2") == []
    assert check("start", scope={"type": "all_private_chats"}, language_code="de") == []
    assert check("start", scope={"type": "chat", "chat_id": 5}) == []
    assert check("Start") == [
        "setMyCommands.commands[0].command: 'Start' may contain only lowercase English letters, "
        "digits and underscores"
    ]
    assert check("x" * 33) == ["setMyCommands.commands[0].command: 33 characters, must be 1-32"]
    assert check("start", "") == [
        "setMyCommands.commands[0].description: 0 characters, must be 1-256"
    ]
    assert check("start", "d" * 257)
    assert check("start", scope={"type": "everyone"}) == [
        "setMyCommands.scope: 'everyone' is not a known type of BotCommandScope"
    ]
    assert check("start", scope={"type": "chat"}) == [
        "setMyCommands.scope.chat_id: required but missing"
    ]
    too_many = [{"command": f"c{i}", "description": "d"} for i in range(101)]
    assert spec.validate("setMyCommands", {"commands": too_many}) == [
        "setMyCommands.commands: 101 items, at most 100"
    ]


def test_menu_button_union(spec: BotApiSpec) -> None:
    assert spec.validate("setChatMenuButton", {"menu_button": {"type": "commands"}}) == []
    assert spec.validate("setChatMenuButton", {"menu_button": {"type": "web_app"}}) == [
        "setChatMenuButton.menu_button.text: required but missing",
        "setChatMenuButton.menu_button.web_app: required but missing",
    ]


def test_conditionally_required_params(spec: BotApiSpec) -> None:
    assert spec.validate("editMessageReplyMarkup", {"chat_id": 1, "message_id": 2}) == []
    assert spec.validate("editMessageReplyMarkup", {"inline_message_id": "abc"}) == []
    assert spec.validate("editMessageReplyMarkup", {}) == [
        "editMessageReplyMarkup.chat_id: required when inline_message_id is not given",
        "editMessageReplyMarkup.message_id: required when inline_message_id is not given",
        "editMessageReplyMarkup.inline_message_id: required when chat_id and message_id are "
        "not given",
    ]


def test_enumerations_from_prose(spec: BotApiSpec) -> None:
    assert spec.validate("sendChatAction", {"chat_id": 1, "action": "typing"}) == []
    assert spec.validate("sendChatAction", {"chat_id": 1, "action": "upload_photo"}) == []
    (problem,) = spec.validate("sendChatAction", {"chat_id": 1, "action": "dancing"})
    assert problem.startswith("sendChatAction.action: 'dancing' is not one of")
    entity = {"type": "bold", "offset": 0, "length": 5}
    assert (
        spec.validate(
            "sendMessage", valid_message(text="Hello", parse_mode=None, entities=[entity])
        )
        == []
    )
    bad_entity = {**entity, "type": "shouting"}
    assert spec.validate(
        "sendMessage", valid_message(text="Hello", parse_mode=None, entities=[bad_entity])
    )


def test_get_updates_limits(spec: BotApiSpec) -> None:
    assert spec.validate("getUpdates", {"offset": 5, "limit": 100, "timeout": 10}) == []
    assert spec.validate("getUpdates", {"allowed_updates": ["message", "callback_query"]}) == []
    assert spec.validate("getUpdates", {"limit": 101}) == ["getUpdates.limit: 101 is outside 1-100"]
    assert spec.validate("getUpdates", {"allowed_updates": "message"}) == [
        "getUpdates.allowed_updates: expected Array of String, got String"
    ]


def test_uploads_are_input_files(spec: BotApiSpec) -> None:
    assert spec.validate("sendPhoto", {"chat_id": 1, "photo": b"bytes"}) == []
    assert spec.validate("sendPhoto", {"chat_id": 1, "photo": "AgACAgIAAxkBAAI"}) == []
    assert spec.validate("sendPhoto", {"chat_id": 1, "photo": 5}) == [
        "sendPhoto.photo: expected InputFile or String, got Integer"
    ]
