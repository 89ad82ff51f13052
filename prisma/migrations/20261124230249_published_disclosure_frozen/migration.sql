-- A published finance disclosure is frozen: its figures and sign-off may not change or disappear.
CREATE OR REPLACE FUNCTION "disclosure_published_frozen"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'published' THEN
    RAISE EXCEPTION 'published disclosure is frozen: % on "Disclosure" is not allowed', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Disclosure_published_frozen"
  BEFORE UPDATE OR DELETE ON "Disclosure"
  FOR EACH ROW EXECUTE FUNCTION "disclosure_published_frozen"();
