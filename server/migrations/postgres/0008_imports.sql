-- Written by hand: one row per CSV file imported, so the very same file imported again is recognised
-- and reported as already imported without writing. Written in the import's own transaction, so a
-- file that was rolled back (or whose process was killed) leaves no row here either.

create table "import_file" (
  "id" varchar(64) primary key,
  "object" varchar(64) not null,
  "sha256" char(64) not null,
  "scope" varchar(64) not null,
  "file_name" varchar(255),
  "actor_id" varchar(64),
  "rows" integer not null,
  "created" integer not null,
  "updated" integer not null,
  "unchanged" integer not null,
  "imported_at" timestamptz not null
);

create unique index "import_file_object_sha256_idx" on "import_file" ("object", "scope", "sha256");
