"""Pure readers of what people type: captions and prices, opening hours, times, video links, text.

Nothing here touches the database; each reader takes a string and returns plain values.
"""
