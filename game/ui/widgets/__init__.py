"""Small drawing and layout pieces the game's screens share (gauges, sparklines, lever rows)."""
