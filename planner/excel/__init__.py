"""Excel for finance leads: export a solved plan as a live workbook, and bring a partnership's
input spreadsheets in (template, export of current inputs, validated import).

Nothing here but `routes.py` and `commands.py` knows about Flask: the workbook builders take plain
views and return bytes, the import service takes a session and bytes.
"""
