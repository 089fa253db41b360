-- SQLite's JSON functions that the repositories call in the same SQL on both databases (issue 15), for JSON kept in text
-- columns and paths of the form '$' or '$.key.key'. Like SQLite's, they read invalid JSON as no value instead of failing
-- the statement (PostgreSQL does not promise to test json_valid() first in `json_valid(x) AND json_extract(x, ...)`).
CREATE OR REPLACE FUNCTION sqlite_json_path(path text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN path = '$' THEN ARRAY[]::text[] ELSE string_to_array(substr(path, 3), '.') END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION json_valid(doc text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  IF doc IS NULL THEN RETURN NULL; END IF;
  PERFORM doc::jsonb;
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  RETURN doc::jsonb #>> sqlite_json_path(path);
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION json_type(doc text, path text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  v jsonb;
BEGIN
  v := doc::jsonb #> sqlite_json_path(path);
  RETURN CASE jsonb_typeof(v)
    WHEN 'string' THEN 'text'
    WHEN 'boolean' THEN v::text
    WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
    ELSE jsonb_typeof(v) END;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- unixepoch('subsec'): the time of the statement in seconds, with its fraction (the query builder copies the columns'
-- SQLite default, CAST(unixepoch('subsec') * 1000 AS INTEGER), into its inserts).
CREATE OR REPLACE FUNCTION unixepoch(modifier text) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN modifier = 'subsec' THEN extract(epoch FROM statement_timestamp())::double precision
    ELSE floor(extract(epoch FROM statement_timestamp()))::double precision END
$fn$;
--> statement-breakpoint
-- date(day, '+N days'): SQLite's date arithmetic on 'YYYY-MM-DD' text, for modifiers PostgreSQL reads as an interval.
CREATE OR REPLACE FUNCTION date(day text, modifier text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  RETURN to_char(day::date + modifier::interval, 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$fn$;
