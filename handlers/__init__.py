"""The conversation: what the bot answers, whatever the channel."""
