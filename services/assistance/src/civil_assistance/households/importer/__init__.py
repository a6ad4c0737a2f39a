"""Bulk import of households and members from CSV or Excel (批量导入).

Every row is validated before anything is written; a file with any bad row
writes nothing and gets a report naming each bad row and field. A good file is
loaded with COPY in the request's transaction.
"""
