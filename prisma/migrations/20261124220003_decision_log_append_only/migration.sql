-- Hand-written: the decision log is append-only (hash-chained per village). Refuse UPDATE and DELETE
-- (row trigger) and TRUNCATE (statement trigger) on "DecisionLogEntry".
-- Prisma's schema diff ignores functions and triggers, so `migration:diff -- --check` stays clean.

-- CreateFunction
CREATE OR REPLACE FUNCTION "decision_log_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'decision log is append-only: % on "DecisionLogEntry" is not allowed', TG_OP
    USING ERRCODE = 'P0001', HINT = 'Append a new entry instead of changing or removing existing ones.';
END;
$$;

-- CreateTrigger
CREATE TRIGGER "DecisionLogEntry_no_update_delete"
  BEFORE UPDATE OR DELETE ON "DecisionLogEntry"
  FOR EACH ROW EXECUTE FUNCTION "decision_log_append_only"();

-- CreateTrigger
CREATE TRIGGER "DecisionLogEntry_no_truncate"
  BEFORE TRUNCATE ON "DecisionLogEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "decision_log_append_only"();
