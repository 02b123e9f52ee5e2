"""The terminal front end over the same session."""
