"""Bulk import of households and members from CSV or Excel (批量导入).

Every row is validated before anything is committed; a file with any bad row
writes nothing and gets a report naming each bad row and field. Rows are loaded
with COPY in the request's transaction, chunk by chunk while the next chunk is
validated; after the first problem nothing more is copied and all of it is
rolled back.
"""
