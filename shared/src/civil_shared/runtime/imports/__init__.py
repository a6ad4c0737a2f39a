"""Bulk import from CSV (UTF-8 or GBK) or Excel: all-or-nothing, a per-row report, COPY.

``reading`` turns an upload into rows of text, ``columns`` and ``cells`` say
what a row holds and how a typed cell reads, ``report`` collects problems,
``template`` makes the downloadable template, ``copying`` writes by COPY,
``header`` maps a file's header row, ``ids`` makes primary keys, ``sheet``
opens a file as every import reads it and writes all or nothing, and
``register`` puts them together for the common case of one register table
(other imports build on ``sheet`` and the same parts, and ``routes`` serves any
:class:`Importer`).
"""

from civil_shared.runtime.imports.cells import (
    a_date,
    choice,
    disability_grade,
    id_number_text,
    yes_no,
)
from civil_shared.runtime.imports.columns import Column, ColumnSet, allowed_labels
from civil_shared.runtime.imports.copying import copy_records
from civil_shared.runtime.imports.header import read_header
from civil_shared.runtime.imports.ids import RowIds
from civil_shared.runtime.imports.reading import MAX_UPLOAD_BYTES, Upload, receive_upload
from civil_shared.runtime.imports.register import (
    Checked,
    Dependent,
    ImportResult,
    RegisterImport,
    RowError,
    registered_in,
)
from civil_shared.runtime.imports.report import ImportProblem, ImportReport, Location, Problems
from civil_shared.runtime.imports.routes import (
    UPLOAD_PROBLEMS,
    Importer,
    add_import_routes,
    add_template_route,
    upload_body,
)
from civil_shared.runtime.imports.sheet import (
    Sheet,
    Staging,
    all_or_nothing,
    open_sheet,
    record_import,
    unique_violation,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "UPLOAD_PROBLEMS",
    "Checked",
    "Column",
    "ColumnSet",
    "Dependent",
    "ImportProblem",
    "ImportReport",
    "ImportResult",
    "Importer",
    "Location",
    "Problems",
    "RegisterImport",
    "RowError",
    "RowIds",
    "Sheet",
    "Staging",
    "Upload",
    "a_date",
    "add_import_routes",
    "add_template_route",
    "all_or_nothing",
    "allowed_labels",
    "choice",
    "copy_records",
    "disability_grade",
    "id_number_text",
    "open_sheet",
    "read_header",
    "receive_upload",
    "record_import",
    "registered_in",
    "unique_violation",
    "upload_body",
    "yes_no",
]
