"""The database's own guard of paid runs, for every service's migrations.

:data:`ADD_AREA_TOTALS` adds the sums by area (later, by a migration of their own),
guarded by the function that guards the lines.

One statement each: asyncpg runs a single command per call. Lines are checked
once per statement (transition tables), not per row: a run writes a million.
"""

PAID_RUN_GUARD = [
    """
CREATE FUNCTION refuse_change_to_paid_run() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'disbursement run % is paid and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE FUNCTION refuse_lines_of_paid_run() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM disbursement_run r
        WHERE r.status = 'paid' AND r.id IN (SELECT DISTINCT run_id FROM changed_new);
    ELSE
        PERFORM 1 FROM disbursement_run r
        WHERE r.status = 'paid' AND r.id IN (SELECT DISTINCT run_id FROM changed_old);
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'disbursement run is paid and cannot change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER disbursement_run_paid_guard
    BEFORE UPDATE OR DELETE ON disbursement_run
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_paid_run()
""",
    """
CREATE TRIGGER disbursement_line_paid_guard_insert
    AFTER INSERT ON disbursement_line REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_lines_of_paid_run()
""",
    """
CREATE TRIGGER disbursement_line_paid_guard_update
    AFTER UPDATE ON disbursement_line REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_lines_of_paid_run()
""",
    """
CREATE TRIGGER disbursement_line_paid_guard_delete
    AFTER DELETE ON disbursement_line REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_lines_of_paid_run()
""",
]

DROP_PAID_RUN_GUARD = [
    *(
        f"DROP TRIGGER disbursement_line_paid_guard_{event} ON disbursement_line"
        for event in ("insert", "update", "delete")
    ),
    "DROP TRIGGER disbursement_run_paid_guard ON disbursement_run",
    "DROP FUNCTION refuse_lines_of_paid_run()",
    "DROP FUNCTION refuse_change_to_paid_run()",
]


#: ``disbursement_area_total`` as :class:`DisbursementAreaTotalMixin` declares it, filled
#: for the runs made before from their lines (before the guard would refuse rows of
#: paid runs), then guarded.
CREATE_AREA_TOTALS = [
    """
CREATE TABLE disbursement_area_total (
    run_id uuid NOT NULL,
    area_code varchar(12) NOT NULL,
    line_count integer NOT NULL,
    persons integer NOT NULL,
    amount numeric(14, 2) NOT NULL,
    CONSTRAINT pk_disbursement_area_total PRIMARY KEY (run_id, area_code),
    CONSTRAINT fk_disbursement_area_total_run_id_disbursement_run
        FOREIGN KEY (run_id) REFERENCES disbursement_run (id) ON DELETE CASCADE
)
""",
    """
INSERT INTO disbursement_area_total (run_id, area_code, line_count, persons, amount)
SELECT run_id, area_code, count(*), sum(persons), sum(amount)
FROM disbursement_line GROUP BY run_id, area_code
""",
]


def _area_total_guard(event: str) -> str:
    changed = "NEW TABLE AS changed_new" if event == "insert" else "OLD TABLE AS changed_old"
    return f"""
CREATE TRIGGER disbursement_area_total_paid_guard_{event}
    AFTER {event.upper()} ON disbursement_area_total REFERENCING {changed}
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_lines_of_paid_run()
"""


AREA_TOTAL_GUARD = [_area_total_guard(event) for event in ("insert", "update", "delete")]

DROP_AREA_TOTAL_GUARD = [
    f"DROP TRIGGER disbursement_area_total_paid_guard_{event} ON disbursement_area_total"
    for event in ("insert", "update", "delete")
]

#: What a migration adds for the sums by area, and what its downgrade removes.
ADD_AREA_TOTALS = [*CREATE_AREA_TOTALS, *AREA_TOTAL_GUARD]
DROP_AREA_TOTALS = [*DROP_AREA_TOTAL_GUARD, "DROP TABLE disbursement_area_total"]
