"""Reports for instructors: one student's game, or a whole class's, as a static HTML page (and a
class as CSV), from the saves.

    report(path, rules_root, html=FILE, csv=FILE, out=stream)  -> exit status
    game_html(open_for_report(load_save(path, rules_root)))     -> the page of one game
    class_html(folder, read_class(folder, rules_root))          -> the page of a class
    class_csv(read_class(folder, rules_root))                   -> the class as CSV

The pages need nothing from the network and no script: the charts are SVG drawn here, the style
sheet is inside the page, and it prints (A4, charts kept whole).
"""

from game.reports.command import report
from game.reports.game import game_html, open_for_report
from game.reports.klass import class_csv, class_html, read_class

__all__ = ["class_csv", "class_html", "game_html", "open_for_report", "read_class", "report"]
