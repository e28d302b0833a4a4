-- Up Migration
CREATE SCHEMA IF NOT EXISTS crm;

CREATE TABLE crm.sections (
  id         serial PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  code       text NOT NULL UNIQUE,
  sort_order int NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crm.levels (
  id         serial PRIMARY KEY,
  section_id int NOT NULL REFERENCES crm.sections (id) ON UPDATE CASCADE,
  name       text NOT NULL UNIQUE,
  code       text NOT NULL UNIQUE,
  sort_order int NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX levels_section_idx ON crm.levels (section_id);

-- Seeded by code, not by id, so the seed is right whatever ids the sequence hands out.
INSERT INTO crm.sections (name, code, sort_order) VALUES
  ('一段', 'section_1', 1), ('二段', 'section_2', 2), ('三段', 'section_3', 3)
ON CONFLICT (code) DO NOTHING;
INSERT INTO crm.levels (section_id, name, code, sort_order)
SELECT s.id, l.name, l.code, l.sort_order
FROM (VALUES ('L1', 'level_1', 1, 'section_1'), ('L2', 'level_2', 2, 'section_1'), ('L3', 'level_3', 3, 'section_1'),
             ('L4', 'level_4', 4, 'section_2'), ('L5', 'level_5', 5, 'section_2'),
             ('L6', 'level_6', 6, 'section_3'), ('L7', 'level_7', 7, 'section_3'))
     AS l (name, code, sort_order, section_code)
JOIN crm.sections s ON s.code = l.section_code
ON CONFLICT (code) DO NOTHING;

-- Every WeCom id seen in the archive (the original's wecom_id_mappings). id_kind is derived once from the id.
CREATE TABLE crm.identities (
  id                   bigserial PRIMARY KEY,
  id_type              text NOT NULL CHECK (id_type IN ('user_id', 'room_id')),
  original_id          text NOT NULL,
  id_kind              text NOT NULL CHECK (id_kind IN ('staff', 'external_wechat', 'external_wecom', 'bot',
                                                         'customer_group', 'internal_group')),
  wecom_nickname       text,
  business_name        text,
  user_role            text CHECK (user_role IN ('parent', 'teacher', 'head_teacher', 'advisor')),
  notes                text,
  profile              jsonb NOT NULL DEFAULT '{}'::jsonb,
  name_status          text NOT NULL DEFAULT 'pending' CHECK (name_status IN ('pending', 'resolved', 'unresolvable')),
  name_error           text,
  name_fetched_at      timestamptz,
  first_seen_at        timestamptz,
  last_seen_at         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id_type, original_id)
);
CREATE INDEX identities_role_idx ON crm.identities (user_role) WHERE user_role IS NOT NULL;
CREATE INDEX identities_business_name_idx ON crm.identities (business_name);
CREATE INDEX identities_nickname_idx ON crm.identities (wecom_nickname);

-- Teachers, head teachers and advisors as people; linked to their WeCom identity when one matches.
CREATE TABLE crm.staff (
  id          serial PRIMARY KEY,
  name        text NOT NULL,
  identity_id bigint UNIQUE REFERENCES crm.identities (id) ON DELETE SET NULL,
  role        text NOT NULL CHECK (role IN ('teacher', 'head_teacher', 'advisor')),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crm.classes (
  id                    serial PRIMARY KEY,
  level_id              int NOT NULL REFERENCES crm.levels (id) ON UPDATE CASCADE,
  room_id               text UNIQUE CHECK (room_id <> ''),
  name                  text NOT NULL,
  teacher_staff_id      int REFERENCES crm.staff (id) ON DELETE SET NULL,
  head_teacher_staff_id int REFERENCES crm.staff (id) ON DELETE SET NULL,
  start_time            text,
  end_time              text,
  course_progress       text,
  promotion             text,
  max_students          int,
  is_active             boolean NOT NULL DEFAULT true,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX classes_level_idx ON crm.classes (level_id);
-- without a WeCom group a class is its name within its level
CREATE UNIQUE INDEX classes_level_name_no_room_key ON crm.classes (level_id, name) WHERE room_id IS NULL;

CREATE TABLE crm.students (
  id           serial PRIMARY KEY,
  name         text NOT NULL,
  english_name text,
  status       text NOT NULL DEFAULT '在读',
  school       text,
  address      text,
  national_id  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX students_name_idx ON crm.students (name);

-- the same child in two classes is one student enrolled twice
CREATE TABLE crm.enrolments (
  student_id  int NOT NULL REFERENCES crm.students (id) ON DELETE CASCADE,
  class_id    int NOT NULL REFERENCES crm.classes (id) ON DELETE CASCADE,
  status      text NOT NULL DEFAULT '在读',
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (student_id, class_id)
);
CREATE INDEX enrolments_class_idx ON crm.enrolments (class_id);

-- parent ↔ student, many to many, each with its relation and a primary flag
CREATE TABLE crm.guardianships (
  identity_id bigint NOT NULL REFERENCES crm.identities (id) ON DELETE CASCADE,
  student_id  int NOT NULL REFERENCES crm.students (id) ON DELETE CASCADE,
  relation    text NOT NULL CHECK (relation IN ('mother', 'father', 'guardian', 'other')),
  is_primary  boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (identity_id, student_id)
);
CREATE INDEX guardianships_student_idx ON crm.guardianships (student_id);

-- guardian contact details from the enrolment CSV (name, phone, 妈妈/爸爸)
CREATE TABLE crm.student_contacts (
  id         serial PRIMARY KEY,
  student_id int NOT NULL REFERENCES crm.students (id) ON DELETE CASCADE,
  name       text,
  relation   text,
  phone      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (student_id, phone)
);

-- Down Migration
DROP SCHEMA crm CASCADE;
