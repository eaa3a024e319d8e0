"""Why an approval action was refused, in Japanese and English.

403: the actor may not do this (not on the route, not their turn, not a deputy);
409: the case's state does not allow it now (the body carries the current state and
revision, so a client that lost a race can show what happened); 400: the route or the
rules are malformed.
"""

from __future__ import annotations

from dms.errors import ApiError


class ApprovalError(ApiError):
    status_code = 409


def forbidden(code: str, message: str, message_en: str) -> ApprovalError:
    return ApprovalError(code, message, message_en, 403)


def conflict(case, code: str, message: str, message_en: str) -> ApprovalError:
    return ApprovalError(
        code,
        message,
        message_en,
        409,
        case_state=case.state,
        case_revision=case.revision,
    )


def invalid_route(message: str, message_en: str, **extra) -> ApprovalError:
    return ApprovalError("invalid_route", message, message_en, 400, **extra)


def invalid(code: str, message: str, message_en: str, **extra) -> ApprovalError:
    return ApprovalError(code, message, message_en, 400, **extra)


def not_on_route() -> ApprovalError:
    return forbidden(
        "not_on_route",
        "この案件の決裁経路に含まれていません。",
        "You are not on this case's route.",
    )


def not_your_turn() -> ApprovalError:
    return forbidden(
        "not_your_turn",
        "まだあなたの順番ではありません。",
        "It is not your turn on this case's route yet.",
    )


def not_drafter() -> ApprovalError:
    return forbidden(
        "not_drafter",
        "起案者だけが行える操作です。",
        "Only the drafter may do this.",
    )


def comment_required() -> ApprovalError:
    return invalid(
        "comment_required",
        "コメントを入力してください。",
        "A comment is required.",
        field="comment",
    )
