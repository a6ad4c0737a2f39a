"""The header row of an import file: which column is where, what is unknown or missing."""

from civil_shared.runtime.imports.columns import ColumnSet
from civil_shared.runtime.imports.report import Problems


def read_header(
    columns: ColumnSet, number: int, cells: list[str], problems: Problems
) -> list[tuple[int, str]]:
    """(cell index, column key) of each recognised column; the rest go to ``problems``.

    Records the file's own header of each column in ``problems.headers``, so the
    report names a column as the file does.
    """
    positions: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        name = cell.strip().lstrip("\ufeff")
        if not name:
            continue
        column = columns.column_for(name)
        if column is None:
            problems.add(number, name, f"无法识别的列名「{name}」")
        elif column.key in problems.headers:
            problems.add(number, column.key, f"列「{name}」重复出现")
        else:
            problems.headers[column.key] = name
            positions.append((index, column.key))
    for column in columns.columns:
        if column.required and column.key not in problems.headers:
            problems.add(number, column.key, f"缺少必填列「{column.header_zh}」")
    return positions
