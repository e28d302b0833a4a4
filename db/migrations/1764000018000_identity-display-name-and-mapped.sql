-- Up Migration
-- Who a person (or a group) is, defined once for every reader. Before this, five readers wrote the name and the
-- "mapped" rule out themselves and had drifted: some treated '' as no name, some did not, one trimmed.
--
-- The one definition: a name is a business name, else the WeCom nickname, each trimmed, and a blank one (empty
-- or only whitespace) is no name. Trimmed, because a name of spaces shows as nothing and must not count as a
-- mapping; the whitespace set is exactly what JavaScript's String.prototype.trim removes (ECMAScript WhiteSpace and
-- LineTerminator, https://tc39.es/ecma262/#sec-string.prototype.trim), the trim the mapper applies when a name is
-- typed, so a name stored here reads the same as one the mapper would store. It includes the ideographic space
-- U+3000 that Chinese input methods type.
CREATE FUNCTION crm.name_or_null(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN nullif(btrim(value, E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'), '');

-- display_name is NULL when the id has no name: each reader chooses its own stand-in (the raw id, the class's
-- name, '未知'). has_business_name is the first condition of "mapped". Both are stored, so lists and filters read
-- them like any column instead of trimming every row they scan (and display_name can be indexed when a sort needs
-- it). If name_or_null ever changes, rewrite them: UPDATE crm.identities SET business_name = business_name.
ALTER TABLE crm.identities
  ADD COLUMN display_name text GENERATED ALWAYS AS (coalesce(crm.name_or_null(business_name), crm.name_or_null(wecom_nickname))) STORED,
  ADD COLUMN has_business_name boolean GENERATED ALWAYS AS (crm.name_or_null(business_name) IS NOT NULL) STORED;

-- Mapped: a user id has a business name and a role, and a parent at least one student; a group has a business name
-- or is a class's group. It reads other tables, so it cannot be a generated column. Plain views are inlined into
-- each query by the planner, so a reader pays only for the columns it uses; one view per id type (rather than a
-- CASE on id_type) keeps each rule visible to the planner, so `is_mapped` can still use the role index.
-- `i.*` is expanded when a view is created: a migration that adds a column to crm.identities recreates both views.
CREATE VIEW crm.user_identities AS
SELECT i.*,
       i.has_business_name AND i.user_role IS NOT NULL
         AND (i.user_role <> 'parent' OR EXISTS (SELECT 1 FROM crm.guardianships g WHERE g.identity_id = i.id)) AS is_mapped
FROM crm.identities i
WHERE i.id_type = 'user_id';

CREATE VIEW crm.room_identities AS
SELECT i.*,
       i.has_business_name
         OR EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = i.original_id) AS is_mapped
FROM crm.identities i
WHERE i.id_type = 'room_id';

CREATE OR REPLACE VIEW dashboard.class_guardians AS
SELECT e.class_id, st.id AS student_id, st.name AS student_name, st.english_name, e.status,
       i.original_id AS parent_id, coalesce(i.display_name, i.original_id) AS parent_name,
       g.relation, g.is_primary
FROM crm.enrolments e
JOIN crm.students st ON st.id = e.student_id
JOIN crm.guardianships g ON g.student_id = st.id
JOIN crm.identities i ON i.id = g.identity_id AND i.id_type = 'user_id';

-- Down Migration
CREATE OR REPLACE VIEW dashboard.class_guardians AS
SELECT e.class_id, st.id AS student_id, st.name AS student_name, st.english_name, e.status,
       i.original_id AS parent_id, coalesce(i.business_name, i.wecom_nickname, i.original_id) AS parent_name,
       g.relation, g.is_primary
FROM crm.enrolments e
JOIN crm.students st ON st.id = e.student_id
JOIN crm.guardianships g ON g.student_id = st.id
JOIN crm.identities i ON i.id = g.identity_id AND i.id_type = 'user_id';
DROP VIEW crm.room_identities;
DROP VIEW crm.user_identities;
ALTER TABLE crm.identities DROP COLUMN has_business_name, DROP COLUMN display_name;
DROP FUNCTION crm.name_or_null(text);
