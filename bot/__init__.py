"""alliance-bot: Discord layer, schedule domain, console and CLI over the `index` core."""
