"""The desktop window: pygame-ce with pygame_gui. The only package that imports pygame.

Scenes read the session and change it only through its methods; they compute no rules. The
window starts at the title screen (:mod:`game.ui.scenes.title`); :class:`game.ui.app.App` owns
the display, the pygame_gui manager, the scene stack, the settings and the keyboard focus.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # pygame-ce's banner would land in the terminal
