"""The search core: corpus loading, chunking, the Whoosh index, search and cited answers.

Never imports discord or anything from `bot`; the bot, the console, the CLI and the tests all call
these plain functions.
"""
