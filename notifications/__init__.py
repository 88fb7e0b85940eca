"""What the bot sends on its own: the outbox dispatcher, its clock and the sending rates."""
