"""The handshake transition table: which answer may move a handshake from which state (behaviour.md, "Handshakes")."""

from __future__ import annotations

from typing import Final, Literal

from .errors import Rejected
from .model import ACCEPTED, CANCELED, DECLINED, OPEN, REQUESTED

Response = Literal["accept", "decline", "cancel"]

TARGET_STATE: Final[dict[str, str]] = {"accept": ACCEPTED, "decline": DECLINED, "cancel": CANCELED}
#: States each response may start from. Only the sender may cancel a REQUESTED parent;
#: nobody may accept or decline it before every recipient has answered.
ALLOWED_FROM: Final[dict[str, frozenset[str]]] = {
    "accept": frozenset({OPEN}),
    "decline": frozenset({OPEN}),
    "cancel": frozenset({OPEN, REQUESTED}),
}


def check_transition(current: str, response: Response) -> str:
    """Return the state ``response`` moves a handshake in ``current`` to, or raise.

    Already where you asked it to go: ``HandshakeAlreadyInStateException``; any other
    move from a state it is not allowed from: ``InvalidHandshakeTransitionException``.
    """
    target = TARGET_STATE[response]
    if current == target:
        raise Rejected(
            "HandshakeAlreadyInStateException",
            f"The specified handshake is already in the requested state ({current}).",
        )
    if current not in ALLOWED_FROM[response]:
        raise Rejected(
            "InvalidHandshakeTransitionException",
            f"You can't {response} a handshake that is {current}.",
        )
    return target
