"""Small talk: greetings, thanks, laughter and acknowledgements get a short friendly reply.

They are not questions about the documents, so they are never refused and never logged as gaps.
"""

from __future__ import annotations

import re

_GREETING = {"hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "good morning", "hola"}
_THANKS = {"thanks", "thank you", "thx", "ty", "thank you so much", "thanks a lot", "cheers"}
_LAUGH = {"lol", "lmao", "haha", "hahaha", "rofl", "heh", "hehe"}
_ACK = {"ok", "okay", "k", "kk", "cool", "nice", "great", "got it", "sure", "alright", "ok thanks"}
_BYE = {"bye", "goodbye", "see you", "later", "cya"}

GREETING_REPLY = (
    "Hi! Ask me anything about the coalition's documents, for example: "
    "what are the alliance's values?"
)
THANKS_REPLY = "You're welcome! Ask again any time."
LAUGH_REPLY = "😄 Anything else you'd like to know about the coalition?"
ACK_REPLY = "👍 Anything else you'd like to know?"
BYE_REPLY = "Bye for now! Ask again any time."


def _normal(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower().replace("'", ""))
    return " ".join(words)


def small_talk_reply(text: str) -> str | None:
    """The friendly reply to `text` when it is only small talk (or only emoji), else None."""
    plain = _normal(text)
    if not plain:
        emoji = any(ord(ch) > 0x2100 and not ch.isalnum() for ch in text)
        return ACK_REPLY if emoji else None  # emoji only; bare punctuation is searched
    plain = re.sub(r"\b(?:bot|there|all|everyone|alliance bot)\b", "", plain).strip()
    plain = re.sub(r"(.)\1{2,}", r"\1\1", plain)  # "hiii" → "hii", "lolll" → "loll"
    candidates = {plain, plain.rstrip("s"), re.sub(r"(.)\1", r"\1", plain)}
    for replies, words in (
        (GREETING_REPLY, _GREETING),
        (THANKS_REPLY, _THANKS),
        (LAUGH_REPLY, _LAUGH),
        (BYE_REPLY, _BYE),
        (ACK_REPLY, _ACK),
    ):
        if candidates & words:
            return replies
    return None
