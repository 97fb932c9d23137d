-- Written by hand: one row per CSV file imported, so the very same file imported again is recognised
-- and reported as already imported without writing. Written in the import's own transaction, so a
-- file that was rolled back (or whose process was killed) leaves no row here either.

create table "import_file" (
  "id" text primary key,
  "object" text not null,
  "sha256" text not null,
  "scope" text not null,
  "file_name" text,
  "actor_id" text,
  "rows" integer not null,
  "created" integer not null,
  "updated" integer not null,
  "unchanged" integer not null,
  "imported_at" text not null
);

create unique index "import_file_object_sha256_idx" on "import_file" ("object", "scope", "sha256");
