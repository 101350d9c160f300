"""Discord-free services behind the bot's commands: records, limits, permissions, uploads, lock.

Cogs and the console call these; nothing here imports discord.
"""
