"""``tmall-tp-bot demo``: the real bot offline, and the offline Bot API it talks to."""
